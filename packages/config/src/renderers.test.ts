import { expectGolden } from '../test/golden';
import { loadStack } from './load-stack';
import { renderAlertRules } from './render-alert-rules';
import { renderClickhouseConfig } from './render-clickhouse-config';
import { renderClickhouseUsers } from './render-clickhouse-users';
import { renderCompose } from './render-compose';
import { renderEnvExample } from './render-env-example';
import { renderGrafanaDashboardProvider, renderGrafanaDatasources } from './render-grafana-provisioning';
import { renderNatsConfig } from './render-nats-config';
import { renderOverviewDashboard } from './overview-dashboard';
import { renderPrometheusConfig } from './render-prometheus-config';

const registry = loadStack({ variant: 'dev', imageSet: 'registry' });
const offline = loadStack({ variant: 'prod', imageSet: 'offline' });

describe('renderers (golden files)', () => {
  it('renders the root dev compose file with paths relative to the repository root', () => {
    expectGolden('docker-compose.dev.registry.root.yml', renderCompose(registry, { file: 'docker-compose.yml' }));
  });
  it('renders the prod offline compose file with paths relative to configs/compose', () => {
    expectGolden('prod.offline.yml', renderCompose(offline));
  });
  it('renders nats.conf with JetStream and monitoring', () => expectGolden('nats-server.conf', renderNatsConfig(registry)));
  it('renders the ClickHouse config with a metrics endpoint only where the image has one', () => {
    expectGolden('clickhouse.registry.xml', renderClickhouseConfig(registry));
    expectGolden('clickhouse.offline.xml', renderClickhouseConfig(offline));
  });
  it('renders ClickHouse users with hashed passwords only', () => {
    const users = renderClickhouseUsers(registry, { app: 'app-password-1', grafana: 'grafana-password-1', exporter: 'exporter-password-1' });
    expect(users).not.toContain('app-password-1');
    expect(users).not.toContain('exporter-password-1');
    // The exporter's user: read-only without setting changes (readonly 1), confined to the system database.
    expect(users).toMatch(/<qraft_exporter>[\s\S]*<profile>qraft_system_reader<\/profile>[\s\S]*<allow_databases><database>system<\/database><\/allow_databases>/);
    expectGolden('clickhouse-users.xml', users);
  });
  it('renders prometheus.yml and alert rules', () => {
    expectGolden('prometheus.registry.yml', renderPrometheusConfig(registry));
    expectGolden('prometheus.offline.yml', renderPrometheusConfig(offline));
    expectGolden('alerts.yml', renderAlertRules(registry));
  });
  it('renders Grafana provisioning and the overview dashboard', () => {
    expectGolden('grafana-datasources.yml', renderGrafanaDatasources(registry));
    expectGolden('grafana-dashboards.yml', renderGrafanaDashboardProvider(registry));
    expectGolden('qraft-overview.json', renderOverviewDashboard(registry));
  });
  it('renders .env.example with every override variable', () => expectGolden('env.example', renderEnvExample()));

  it('renders the same bytes twice (deterministic)', () => {
    expect(renderCompose(loadStack({ imageSet: 'registry' }))).toBe(renderCompose(loadStack({ imageSet: 'registry' })));
  });
});

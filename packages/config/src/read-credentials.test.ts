import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSecrets } from './ensure-secrets';
import { loadStack } from './load-stack';
import { readSecretFiles, readStackCredentials } from './read-credentials';

const NATS_SECRET_FILES = ['secrets/nats_accounts.conf', 'secrets/nats_app_password', 'secrets/nats_monitor_password', 'secrets/nats_publisher_password', 'secrets/nats_system_password'];

describe('readStackCredentials', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'qraft-credentials-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('has no accounts before ensureSecrets generated them', () => {
    expect(readStackCredentials(root, loadStack({ imageSet: 'registry' }))).toEqual({});
  });

  it("answers the model's accounts with exactly the passwords ensureSecrets wrote (no newline)", () => {
    const model = loadStack({ imageSet: 'registry' });
    ensureSecrets(root, model);
    const secret = (file: string) => readFileSync(join(root, 'secrets', file), 'utf8').trimEnd();
    expect(readStackCredentials(root, model)).toEqual({
      clickhouse: { user: 'qraft_app', password: secret('clickhouse_app_password') },
      clickhouseGrafana: { user: 'qraft_grafana', password: secret('clickhouse_grafana_password') },
      grafana: { user: model.grafanaAdmin.user, password: secret('grafana_admin_password') },
      natsPublisher: { user: 'qraft_publisher', password: secret('nats_publisher_password'), inboxPrefix: '_INBOX' },
      natsMonitor: { user: 'qraft_monitor', password: secret('nats_monitor_password'), inboxPrefix: '_INBOX_qraft_monitor' },
      prometheus: { user: 'qraft', password: secret('prometheus_password') },
    });
    expect(model.grafanaAdmin.user).toBe('admin');
    expect(model.services.grafana.environment['GF_SECURITY_ADMIN_USER']).toBe(model.grafanaAdmin.user);
  });

  it('reads only the accounts of the image set (offline: no Grafana) and every secret file for leak scans', () => {
    const model = loadStack({ imageSet: 'offline' });
    ensureSecrets(root, model);
    expect(Object.keys(readStackCredentials(root, model))).toEqual(['clickhouse', 'natsPublisher', 'natsMonitor', 'prometheus']);
    expect([...readSecretFiles(root, model).keys()].sort()).toEqual([
      'secrets/clickhouse_app_password',
      'secrets/clickhouse_exporter_password',
      'secrets/clickhouse_users.xml',
      ...NATS_SECRET_FILES,
      'secrets/prometheus_password',
      'secrets/prometheus_web.yml',
    ]);
  });
});

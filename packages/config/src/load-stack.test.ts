import { ConfigError } from './config-error';
import { dataDirectories } from './data-directories';
import { endpoints } from './endpoints';
import { loadStack } from './load-stack';
import { omittedServices } from './omitted-services';

describe('loadStack', () => {
  it('defaults to the dev stack with host ports equal to container ports on 127.0.0.1', () => {
    expect(loadStack().imageSet).toBe('offline');
    const model = loadStack({ imageSet: 'registry' });
    expect(model.variant).toBe('dev');
    expect(model.imageSet).toBe('registry');
    expect(endpoints(model, 'host')).toEqual({
      nats: 'nats://127.0.0.1:4222',
      natsMonitor: 'http://127.0.0.1:8222',
      clickhouse: 'http://127.0.0.1:8123',
      clickhouseNative: 'tcp://127.0.0.1:9000',
      prometheus: 'http://127.0.0.1:9090',
      grafana: 'http://127.0.0.1:3000',
      natsExporter: 'http://127.0.0.1:7777',
      app: 'http://127.0.0.1:8080',
    });
  });

  it('gives service DNS names and container ports from the network', () => {
    const net = endpoints(loadStack({ imageSet: 'registry' }), 'network');
    expect(net.nats).toBe('nats://nats:4222');
    expect(net.clickhouseMetrics).toBe('http://clickhouse:9363');
    expect(net.app).toBe('http://app:8080');
  });

  it('publishes only the app and Grafana in prod, with an internal backend network', () => {
    const model = loadStack({ variant: 'prod', imageSet: 'registry' });
    expect(Object.keys(endpoints(model, 'host')).sort()).toEqual(['app', 'grafana']);
    expect(model.networks.backend.internal).toBe(true);
  });

  it('leaves grafana and nats-exporter out of the offline set with a note, never silently', () => {
    const model = loadStack({ imageSet: 'offline' });
    expect(omittedServices(model).map((o) => o.service)).toEqual(['grafana', 'nats-exporter']);
    expect(model.services.grafana.note).toMatch(/no Grafana package/);
    expect(model.services.clickhouse.capabilities).toEqual({ metrics: false, clickhouse: { lowCardinality: false, dateTime64: false, ttl: false } });
    expect(model.services.clickhouse.image.reference).toBe('qraft-offline/clickhouse:18.16.1');
  });

  it('applies host port, memory and mirror overrides from the environment it is given', () => {
    const model = loadStack({ imageSet: 'registry', env: { QRAFT_CLICKHOUSE_HTTP_PORT: '18123', QRAFT_APP_MEMORY: '1g', QRAFT_REGISTRY_MIRROR: 'mirror.local:5000/hub' } });
    expect(endpoints(model, 'host').clickhouse).toBe('http://127.0.0.1:18123');
    expect(model.services.app.resources.memoryBytes).toBe(1024 ** 3);
    expect(model.services.nats.image.reference).toBe('mirror.local:5000/hub/library/nats:2.14.3-alpine');
  });

  it('names the variable and the fix when two host ports clash', () => {
    expect(() => loadStack({ env: { QRAFT_CLICKHOUSE_HTTP_PORT: '8222' } })).toThrow(
      'QRAFT_CLICKHOUSE_HTTP_PORT: port 8222 is already used by nats.monitoring — choose another port',
    );
  });

  it.each([
    [{ env: { QRAFT_CLICKHOUSE_MEMORY: '2 gigs' } }, /QRAFT_CLICKHOUSE_MEMORY: memory "2 gigs" is not a size — write a number with a unit/],
    [{ env: { QRAFT_REDIS_HTTP_PORT: '1' } }, /QRAFT_REDIS_HTTP_PORT: no service matches "redis_http" — the services are nats, clickhouse/],
    [{ env: { QRAFT_CLICKHOUSE_HTTPS_PORT: '1' } }, /clickhouse has no port "https" — use one of QRAFT_CLICKHOUSE_HTTP_PORT/],
    [{ env: { QRAFT_APP_HTTP_PORT: '80000' } }, /QRAFT_APP_HTTP_PORT: "80000" is not a port/],
    [{ variant: 'staging' }, /variant: "staging" is not a known variant — use one of dev, prod/],
    [{ env: { QRAFT_IMAGE_SET: 'airgap' } }, /QRAFT_IMAGE_SET: "airgap" is not a known image set — use one of registry, offline/],
    [{ registryMirror: 'https://mirror/' }, /registryMirror: "https:\/\/mirror\/" is not a registry mirror/],
    [{ services: { redis: {} } }, /services.redis: "redis" is not a service of the stack/],
  ])('rejects invalid input %j with a ConfigError naming the field', (input, message) => {
    expect(() => loadStack(input)).toThrow(ConfigError);
    expect(() => loadStack(input)).toThrow(message);
  });

  it('ignores process settings such as QRAFT_HTTP_PORT that are not host ports of the stack', () => {
    expect(() => loadStack({ env: { QRAFT_HTTP_PORT: '9999', QRAFT_ENGINE: 'podman' } })).not.toThrow();
  });

  it('derives networks from the reachability table: a service joins only what it needs', () => {
    const model = loadStack({ imageSet: 'registry' });
    expect(model.services.nats.networks).toEqual(['backend']);
    expect(model.services['nats-exporter'].networks).toEqual(['backend']);
    expect(model.services.app.networks).toEqual(['frontend', 'backend']);
    expect(model.reachability).toContainEqual(expect.objectContaining({ from: 'prometheus', to: 'clickhouse', port: 'metrics' }));
    expect(loadStack({ imageSet: 'offline' }).reachability).not.toContainEqual(expect.objectContaining({ to: 'clickhouse', port: 'metrics' }));
  });

  it('lists the bind-mounted directories with the uid of the service that writes them', () => {
    expect(dataDirectories(loadStack({ imageSet: 'registry' }))).toContainEqual({ path: 'data/clickhouse', service: 'clickhouse', kind: 'data', uid: 101, gid: 101, mode: 0o750 });
    expect(dataDirectories(loadStack({ imageSet: 'offline' })).some((d) => d.service === 'grafana')).toBe(false);
  });
});

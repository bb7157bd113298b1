import { ClickHouseTestServer, describeServers, freePort, startClickHouse } from '@qraft/testkit';
import { progressLog } from '../test/servers';
import { probeClickHouse } from './clickhouse-probe';
import { HealthTimeoutError, waitUntilHealthy } from './wait-until-healthy';

describeServers('real-server tests')('probeClickHouse against a real clickhouse-server', () => {
  let ch: ClickHouseTestServer;
  beforeAll(async () => {
    ch = await startClickHouse();
  }, 60_000);
  afterAll(async () => {
    await ch?.[Symbol.asyncDispose]();
  });

  const exec = async (sql: string) => {
    const r = await fetch(`${ch.url}/`, { method: 'POST', body: sql, headers: { 'X-ClickHouse-User': ch.user, 'X-ClickHouse-Key': ch.password } });
    if (!r.ok) throw new Error(await r.text());
  };

  it('reports clickhouse up after ping and an authenticated SELECT 1', async () => {
    const result = await probeClickHouse({ url: ch.url, user: ch.user, password: ch.password });
    expect(result).toMatchObject({ ok: true, state: 'up', detail: 'ping ok, SELECT 1 as "qraft" ok' });
  });

  it('reports clickhouse degraded, naming the table, until the table exists', async () => {
    const options = { url: ch.url, user: ch.user, password: ch.password, database: 'default', table: 'events' };
    const missing = await probeClickHouse(options);
    expect(missing).toMatchObject({ ok: false, state: 'degraded' });
    expect(missing.error).toContain('table default.events does not exist');
    await exec('CREATE TABLE default.events (id UInt64) ENGINE = MergeTree ORDER BY id');
    expect(await probeClickHouse(options)).toMatchObject({ ok: true, state: 'up' });
  });

  it('reports clickhouse down naming the user and QRAFT_CLICKHOUSE_PASSWORD_FILE when the password is wrong', async () => {
    const result = await probeClickHouse({ url: ch.url, user: ch.user, password: 'wrong' });
    expect(result).toMatchObject({ ok: false, state: 'down', detail: 'answers /ping, authentication refused' });
    expect(result.error).toBe(
      `clickhouse at ${ch.url} refused the credentials of user "qraft" — check QRAFT_CLICKHOUSE_USER and QRAFT_CLICKHOUSE_PASSWORD_FILE`,
    );
  });

  it('reports clickhouse down when the user does not exist', async () => {
    const result = await probeClickHouse({ url: ch.url, user: 'nobody', password: ch.password });
    expect(result.state).toBe('down');
    expect(result.error).toContain('refused the credentials of user "nobody"');
  });

  it('reports clickhouse down when the port is closed', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const result = await probeClickHouse({ url });
    expect(result).toMatchObject({ ok: false, state: 'down' });
    expect(result.error).toBe(`clickhouse at ${url}: connection refused — is the server running?`);
  });

  it('reports clickhouse down when the URL is not ClickHouse’s HTTP port', async () => {
    const result = await probeClickHouse({ url: `http://127.0.0.1:${ch.tcpPort}` });
    expect(result.state).toBe('down');
    expect(result.error).toMatch(/^clickhouse at http:\/\/127\.0\.0\.1:\d+/);
  });
});

describeServers('real-server tests')('waiting for ClickHouse', () => {
  it('returns from waitUntilHealthy once a server that starts late answers', async () => {
    await using late = await ClickHouseTestServer.create();
    const log = progressLog();
    const check = { name: 'clickhouse', probe: (signal: AbortSignal) => probeClickHouse({ url: late.url, user: late.user, password: late.password, signal }) };
    const waiting = waitUntilHealthy([check], { timeoutMs: 60_000, onProgress: log.onProgress });
    while (!log.states.get('clickhouse')) await new Promise((r) => setImmediate(r));
    await late.start(60_000);
    const report = await waiting;
    expect(report.ok).toBe(true);
    expect(log.states.get('clickhouse')).toEqual(['down', 'up']);
  }, 90_000);

  it('reports clickhouse down to a watcher when the server is killed while being watched', async () => {
    await using ch = await startClickHouse();
    const log = progressLog();
    const check = {
      name: 'clickhouse',
      probe: (signal: AbortSignal) => probeClickHouse({ url: ch.url, user: ch.user, password: ch.password, table: 'never', signal }),
    };
    const waiting = waitUntilHealthy([check], { timeoutMs: 3_000, onProgress: log.onProgress }).catch((e: unknown) => e);
    while (!log.states.get('clickhouse')?.includes('degraded')) await new Promise((r) => setImmediate(r));
    await ch.kill();
    const error = (await waiting) as HealthTimeoutError;
    expect(error).toBeInstanceOf(HealthTimeoutError);
    expect(log.states.get('clickhouse')).toEqual(['degraded', 'down']);
    expect(error.failing).toEqual(['clickhouse']);
    expect(error.message).toContain('connection refused — is the server running?');
  }, 90_000);
});

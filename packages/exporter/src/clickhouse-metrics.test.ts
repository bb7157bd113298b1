import { createClient } from '@clickhouse/client';
import { startClickHouse, type ClickHouseTestServer } from '@qraft/testkit';
import { find, parseExposition } from '../test/exposition';
import { sanitize } from './clickhouse-metrics';
import { MetricsServer, ROUTES } from './metrics-server';

function exporterFor(clickhouse: ClickHouseTestServer, password: string): Promise<MetricsServer> {
  return new MetricsServer({
    httpHost: '127.0.0.1',
    httpPort: 0,
    natsMonitorUrl: 'http://127.0.0.1:1',
    clickhouseUrl: clickhouse.url,
    clickhouseUser: clickhouse.user,
    clickhousePassword: password,
    sourceTimeoutMs: 5_000,
  }).listen();
}

describe('ClickHouse metrics under the names of ClickHouse built-in Prometheus endpoint', () => {
  it('reports events, metrics and asynchronous metrics of a real ClickHouse 18.16, inserts included', async () => {
    await using clickhouse = await startClickHouse();
    const client = createClient({ url: clickhouse.url, username: clickhouse.user, password: clickhouse.password });
    try {
      await client.command({ query: 'CREATE TABLE default.t (n UInt32) ENGINE = MergeTree ORDER BY n' });
      await client.insert({ table: 'default.t', values: [{ n: 1 }, { n: 2 }, { n: 3 }], format: 'JSONEachRow' });
    } finally {
      await client.close();
    }
    await using exporter = await exporterFor(clickhouse, clickhouse.password);

    const response = await fetch(`${exporter.url}${ROUTES.clickhouse}`);
    const { samples, types } = parseExposition(await response.text());

    expect(response.status).toBe(200);
    expect(find(samples, 'ClickHouseProfileEvents_InsertQuery')[0]?.value).toBeGreaterThanOrEqual(1);
    expect(find(samples, 'ClickHouseProfileEvents_InsertedRows')[0]?.value).toBeGreaterThanOrEqual(3);
    expect(types.get('ClickHouseProfileEvents_InsertedRows')).toBe('counter');
    // The scrape's own query is running while system.metrics is read.
    expect(find(samples, 'ClickHouseMetrics_Query')[0]?.value).toBeGreaterThanOrEqual(1);
    expect(types.get('ClickHouseMetrics_Query')).toBe('gauge');
    // 18.16 fills system.asynchronous_metrics on its own timer (empty for up to a minute after start): every row there is here.
    const check = createClient({ url: clickhouse.url, username: clickhouse.user, password: clickhouse.password });
    const asyncRows = await (await check.query({ query: 'SELECT metric FROM system.asynchronous_metrics', format: 'JSONEachRow' })).json<{ metric: string }>();
    await check.close();
    expect(samples.filter((s) => s.name.startsWith('ClickHouseAsyncMetrics_')).map((s) => s.name).sort()).toEqual(
      asyncRows.map((r) => `ClickHouseAsyncMetrics_${sanitize(r.metric)}`).sort(),
    );
    expect(samples.every((s) => Object.keys(s.labels).length === 0)).toBe(true);
  }, 90_000);

  it('answers 503 naming ClickHouse when the credentials are wrong, so Prometheus marks the target down', async () => {
    await using clickhouse = await startClickHouse();
    await using exporter = await exporterFor(clickhouse, 'wrong');

    const response = await fetch(`${exporter.url}${ROUTES.clickhouse}`);

    expect(response.status).toBe(503);
    expect(await response.text()).toContain(`cannot read ClickHouse at ${clickhouse.url}`);
  }, 90_000);

  it('sanitises names as ClickHouse does: invalid characters become _, leading non-letters go', () => {
    expect(sanitize('jemalloc.background_thread.num_runs')).toBe('jemalloc_background_thread_num_runs');
    expect(sanitize('_1abc-d')).toBe('abc_d');
    expect(sanitize('123')).toBe('');
  });
});

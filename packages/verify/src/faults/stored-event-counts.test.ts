import { describeServers, startClickHouse } from '@qraft/testkit';
import { mergeEvents, storedEventCounts, type ClickHouseAccess } from './stored-event-counts';

async function run(access: ClickHouseAccess, sql: string): Promise<void> {
  const response = await fetch(access.url, { method: 'POST', headers: { authorization: `Basic ${Buffer.from(`${access.user}:${access.password}`).toString('base64')}` }, body: sql });
  if (!response.ok) throw new Error(`${sql}: HTTP ${response.status} ${await response.text()}`);
}

describeServers('stored event count tests', ['clickhouse-server'])('storedEventCounts against a real clickhouse-server', () => {
  it('reports a redelivered copy in the raw rows but once through FINAL, and none left after mergeEvents', async () => {
    await using clickhouse = await startClickHouse();
    const access: ClickHouseAccess = { url: clickhouse.url, user: clickhouse.user, password: clickhouse.password, database: 'faults' };
    await run(access, 'CREATE DATABASE faults');
    // The app's table as far as the counts care: ReplacingMergeTree keyed by (type, timestamp, id).
    await run(access, "CREATE TABLE faults.events (id String, type String, timestamp DateTime('UTC')) ENGINE = ReplacingMergeTree() PARTITION BY toYYYYMM(timestamp) ORDER BY (type, timestamp, id)");
    const insert = (rows: string) => run(access, `INSERT INTO faults.events VALUES ${rows}`);
    await insert("('a', 'load', '2026-11-30 10:00:00'), ('b', 'load', '2026-11-30 10:00:01'), ('x', 'other', '2026-11-30 10:00:00')");
    // The same event inserted again, as after a redelivery: a second part, not merged yet.
    await insert("('a', 'load', '2026-11-30 10:00:00')");

    const before = await storedEventCounts(access, 'load');
    expect(before.perId).toEqual(new Map([['a', 1], ['b', 1]]));
    expect(before).toMatchObject({ rawRows: 3, distinctIds: 2 });

    await mergeEvents(access);
    expect(await storedEventCounts(access, 'load')).toMatchObject({ rawRows: 2, distinctIds: 2 });
  });
});

describe('storedEventCounts', () => {
  it('refuses an event type that is not a plain name before asking ClickHouse', async () => {
    await expect(storedEventCounts({ url: 'http://127.0.0.1:1', user: 'u', password: 'p' }, "x' OR 1=1 --")).rejects.toThrow(/event type .* must be letters, digits/);
  });
});

import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { describeServers, startClickHouse } from '@qraft/testkit';
import { createChdbConnection } from 'chdb/connection';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClickHouseClient, EventStore } from '../src/event-store';
import { migrate, SCHEMA_VERSION, SEED_PATTERNS } from '../src/migrations';

/** Everything a migration could change: table definitions and row counts as stored (no FINAL). */
async function snapshot(client: ClickHouseClient): Promise<Record<string, string>> {
  const text = async (query: string) => (await (await client.query({ query, format: 'TabSeparated' })).text()).trim();
  const tables = (await text("SELECT name FROM system.tables WHERE database = 'qraft' ORDER BY name")).split('\n');
  const result: Record<string, string> = { tables: tables.join(',') };
  for (const table of tables) {
    result[`${table}.create`] = await text(`SHOW CREATE TABLE qraft.${table}`);
    result[`${table}.rows`] = await text(`SELECT count() FROM qraft.${table}`);
  }
  return result;
}

async function provesMigrationsIdempotent(client: ClickHouseClient): Promise<void> {
  const first = await migrate(client, 'qraft');
  expect(first).toEqual({ applied: [1, 2, 3], version: SCHEMA_VERSION });
  const after = await snapshot(client);
  expect(after['tables']).toBe('events,patterns,schema_migrations');
  expect(after['patterns.rows']).toBe(String(SEED_PATTERNS.length));

  const second = await migrate(client, 'qraft');
  expect(second).toEqual({ applied: [], version: SCHEMA_VERSION });
  expect(await snapshot(client)).toEqual(after);

  // The schema does what the app needs on this engine: a redelivered event is stored twice but read once.
  const store = new EventStore(client, 'qraft');
  const event = { id: 'dup-1', type: 'order.created', source: 'test', timestamp: new Date().toISOString(), payload: { a: 1 } };
  await store.insertEvents([event]);
  await store.insertEvents([event]);
  expect(await store.countEvents()).toBe(1);
  const page = await store.queryEvents({ fromMs: Date.now() - 60_000, toMs: Date.now() + 60_000, limit: 10 });
  expect(page.events).toEqual([event]);
  const counts = await store.patternsWithCounts(Date.now() - 60_000, Date.now() + 60_000);
  expect(counts.find((p) => p.name === 'order-lifecycle')?.matchingEvents).toBe(1);

  // Every character survives the insert format (TabSeparated: backslash, tab, newline, CR are escaped).
  const awkward = {
    id: 'awkward-1',
    type: 'text.check',
    source: 'tab\there\\back\nnew\rcr \'q\' "dq" ünï 😀',
    timestamp: new Date(Date.now() - 1_000).toISOString(),
    payload: { text: 'a\tb\nc\\d\re"f\'g', nested: { list: [1, 'x\\y', null, true], empty: '' }, unicode: '☃\u0000\u001f' },
  };
  await store.insertEvents([awkward]);
  const read = await store.queryEvents({ type: 'text.check', fromMs: Date.now() - 60_000, toMs: Date.now() + 60_000, limit: 10 });
  expect(read.events).toEqual([awkward]);
}

describeServers('migrations on ClickHouse 18.16', ['clickhouse-server'])('migrations on ClickHouse 18.16 (the offline image)', () => {
  it('creates the schema once; a second run changes nothing', async () => {
    await using ch = await startClickHouse();
    const client = createClickHouseClient(ch);
    try {
      await provesMigrationsIdempotent(client);
    } finally {
      await client.close();
    }
  }, 60_000);
});

describe('migrations on the current ClickHouse engine (chdb, in-process)', () => {
  it('creates the schema once; a second run changes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qraft-chdb-'));
    // chdb types its connection against @clickhouse/client-common 1.23.0, the client here bundles 1.23.1's
    // copy of the same interface; they differ only in nominal setting types, so the cast is sound.
    type ClientConnection = NonNullable<Parameters<typeof createClient>[0]>['connection'];
    const client = createClient({ connection: createChdbConnection({ path: dir }) as unknown as ClientConnection });
    try {
      const version = await (await client.query({ query: 'SELECT version()', format: 'TabSeparated' })).text();
      expect(Number(version.split('.')[0])).toBeGreaterThanOrEqual(24);
      await provesMigrationsIdempotent(client);
    } finally {
      await client.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

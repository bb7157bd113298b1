/**
 * Insert formats the ClickHouse client can send, compared on the same 100 000 events in one run: wall time, this
 * process's CPU (building and sending the body) and clickhouse-server's CPU (parsing and writing it), each the
 * median of `--runs`, with the ratio to the app's TabSeparated body sent as one buffer. A format the server refuses
 * (ClickHouse 18.16 predates some) is reported with its error, not skipped silently.
 *
 *   pnpm --filter @qraft/app exec tsx --conditions=@qraft/source bench/insert-formats.ts [--events 100000] [--runs 3] [--json]
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { startClickHouse } from '@qraft/testkit';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import type { QraftEvent } from '../src/event';
import { EVENT_ROW_COLUMNS, eventRow } from '../src/event-row';
import { createClickHouseClient, EventStore } from '../src/event-store';
import { migrate } from '../src/migrations';
import { sqlDateTime } from '../src/sql';
import { makeBenchEvents } from './ingest-throughput';
import { childServerCpuSeconds, processCpuSeconds } from './process-cpu';

export interface FormatResult {
  readonly format: string;
  readonly seconds?: number;
  readonly appCpuSeconds?: number;
  readonly clickhouseCpuSeconds?: number;
  /** TabSeparated-as-one-buffer seconds / this format's seconds (> 1: faster). */
  readonly speedRatio?: number;
  readonly error?: string;
}

type Sender = (client: ClickHouseClient, table: string, events: readonly QraftEvent[]) => Promise<void>;

const COLUMNS: [string, ...string[]] = [...EVENT_ROW_COLUMNS];

function objects(events: readonly QraftEvent[], ingestedAt: string) {
  return events.map((e) => {
    const ms = Date.parse(e.timestamp);
    return { id: e.id, type: e.type, source: e.source, timestamp: sqlDateTime(ms), timestamp_ms: ms, payload: JSON.stringify(e.payload), ingested_at: ingestedAt };
  });
}

const SENDERS: Record<string, Sender> = {
  'TabSeparated, one buffer': async (client, table, events) => {
    const at = sqlDateTime(Date.now());
    const body = Buffer.from(events.map((e) => eventRow(e, JSON.stringify(e.payload), at)).join(''));
    await client.insert({ table, columns: COLUMNS, format: 'TabSeparated', values: Readable.from([body], { objectMode: false }) });
  },
  'TabSeparated, streamed in 1 000-row chunks (the ingestor)': async (client, table, events) => {
    const at = sqlDateTime(Date.now());
    const chunks: Buffer[] = [];
    for (let i = 0; i < events.length; i += 1_000) chunks.push(Buffer.from(events.slice(i, i + 1_000).map((e) => eventRow(e, JSON.stringify(e.payload), at)).join('')));
    await client.insert({ table, columns: COLUMNS, format: 'TabSeparated', values: Readable.from(chunks, { objectMode: false }) });
  },
  'JSONEachRow (the client serialises objects)': async (client, table, events) => {
    await client.insert({ table, format: 'JSONEachRow', values: objects(events, sqlDateTime(Date.now())) });
  },
  'JSONCompactEachRow (arrays)': async (client, table, events) => {
    const at = sqlDateTime(Date.now());
    const values = objects(events, at).map((o) => [o.id, o.type, o.source, o.timestamp, o.timestamp_ms, o.payload, o.ingested_at]);
    await client.insert({ table, columns: COLUMNS, format: 'JSONCompactEachRow', values });
  },
  CSV: async (client, table, events) => {
    const at = sqlDateTime(Date.now());
    const csv = (s: string) => `"${s.replaceAll('"', '""')}"`;
    const body = events
      .map((e) => {
        const ms = Date.parse(e.timestamp);
        return `${csv(e.id)},${csv(e.type)},${csv(e.source)},${sqlDateTime(ms)},${ms},${csv(JSON.stringify(e.payload))},${at}\n`;
      })
      .join('');
    await client.insert({ table, columns: COLUMNS, format: 'CSV', values: Readable.from([Buffer.from(body)], { objectMode: false }) });
  },
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function runFormats(events: number, runs: number): Promise<FormatResult[]> {
  await using ch = await startClickHouse();
  const rows = makeBenchEvents(events);
  const results: FormatResult[] = [];
  for (const [format, send] of Object.entries(SENDERS)) {
    const samples: Array<{ seconds: number; app: number; clickhouse: number }> = [];
    let error: string | undefined;
    for (let run = 0; run < runs && !error; run++) {
      const database = `bench_formats_${Object.keys(SENDERS).indexOf(format)}_${run}`;
      const store = new EventStore(createClickHouseClient(ch), database);
      try {
        await migrate(store.client, database);
        const c0 = processCpuSeconds();
        const s0 = childServerCpuSeconds()['clickhouse-server'] ?? 0;
        const t0 = performance.now();
        await send(store.client, `${database}.events`, rows);
        const seconds = (performance.now() - t0) / 1000;
        samples.push({ seconds, app: processCpuSeconds() - c0, clickhouse: (childServerCpuSeconds()['clickhouse-server'] ?? 0) - s0 });
        const stored = await store.countEvents();
        if (stored !== events) throw new Error(`${stored} of ${events} rows stored`);
      } catch (e) {
        error = (e as Error).message.split('\n')[0];
      } finally {
        await store.client.close();
      }
    }
    results.push(
      error
        ? { format, error }
        : { format, seconds: round(median(samples.map((s) => s.seconds))), appCpuSeconds: round(median(samples.map((s) => s.app))), clickhouseCpuSeconds: round(median(samples.map((s) => s.clickhouse))) },
    );
  }
  const reference = results[0]?.seconds;
  return results.map((r) => (r.seconds && reference ? { ...r, speedRatio: round(reference / r.seconds) } : r));
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

if (require.main === module) {
  const { values } = parseArgs({ options: { events: { type: 'string', default: '100000' }, runs: { type: 'string', default: '3' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } } });
  const usage = 'usage: insert-formats.ts [--events N] [--runs N] [--json]\n';
  const events = Number(values.events);
  const runs = Number(values.runs);
  if (values.help) {
    process.stdout.write(usage);
    process.exit(0);
  }
  if (!Number.isInteger(events) || events < 1 || !Number.isInteger(runs) || runs < 1) {
    process.stderr.write(usage);
    process.exit(2);
  }
  runFormats(events, runs).then(
    (results) => {
      if (values.json) process.stdout.write(`${JSON.stringify({ events, runs, results })}\n`);
      else
        for (const r of results)
          process.stdout.write(
            r.error
              ? `${r.format}: refused — ${r.error}\n`
              : `${r.format}: ${r.seconds} s (×${r.speedRatio} vs one TabSeparated buffer), app CPU ${r.appCpuSeconds} s, clickhouse-server CPU ${r.clickhouseCpuSeconds} s\n`,
          );
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`benchmark failed: ${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}

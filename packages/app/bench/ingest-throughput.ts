/**
 * End-to-end ingest throughput: N events published into JetStream until all are queryable (deduplicated) in
 * ClickHouse, beside a baseline in the same run — the same rows inserted straight into ClickHouse with the
 * client's batch insert. Real servers from @qraft/testkit; the app runs in this process.
 *
 *   pnpm --filter @qraft/app exec tsx bench/ingest-throughput.ts [--events 100000] [--batch 5000] [--json]
 */
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { startClickHouse, startNats } from '@qraft/testkit';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config';
import type { QraftEvent } from '../src/event';
import { createClickHouseClient, EventStore } from '../src/event-store';
import { silentLogger } from '../src/logger';
import { migrate } from '../src/migrations';
import { QraftApp } from '../src/qraft-app';

export interface BenchResult {
  readonly events: number;
  readonly batchSize: number;
  readonly pipeline: { readonly seconds: number; readonly publishSeconds: number; readonly eventsPerSecond: number; readonly visible: number };
  readonly direct: { readonly seconds: number; readonly eventsPerSecond: number; readonly insertChunk: number };
  readonly ratio: number;
}

/** Rows inserted per call in the baseline: one big JSONEachRow insert per 100k rows is the client's fastest path. */
const DIRECT_CHUNK = 100_000;
/** Publishes in flight at once; JetStream acks each one (a wider window measured no faster here). */
const PUBLISH_WINDOW = 10_000;

export function makeBenchEvents(count: number): QraftEvent[] {
  const base = Date.now() - 600_000;
  const types = ['order.created', 'order.paid', 'user.signed_up', 'app.error'];
  return Array.from({ length: count }, (_, i) => ({
    id: `bench-${i}`,
    type: types[i % types.length]!,
    source: 'bench',
    timestamp: new Date(base + i).toISOString(),
    payload: { n: i, note: 'benchmark payload of a typical small event' },
  }));
}

export async function runBench(events: number, batchSize: number): Promise<BenchResult> {
  await using nats = await startNats();
  await using ch = await startClickHouse();
  const rows = makeBenchEvents(events);

  // Baseline: straight into an identical table in another database.
  const direct = new EventStore(createClickHouseClient(ch), 'bench_direct');
  await migrate(direct.client, 'bench_direct');
  const d0 = performance.now();
  for (let i = 0; i < rows.length; i += DIRECT_CHUNK) await direct.insertEvents(rows.slice(i, i + DIRECT_CHUNK));
  const directSeconds = (performance.now() - d0) / 1000;
  if ((await direct.countEvents()) !== events) throw new Error('baseline rows missing');
  await direct.client.close();

  // Pipeline: publish into JetStream, the app batches into ClickHouse; done when all are visible.
  const config = loadConfig({
    QRAFT_NATS_URL: nats.url,
    QRAFT_CLICKHOUSE_URL: ch.url,
    QRAFT_CLICKHOUSE_USER: ch.user,
    QRAFT_CLICKHOUSE_PASSWORD: ch.password,
    QRAFT_HTTP_HOST: '127.0.0.1',
    QRAFT_HTTP_PORT: '0',
    QRAFT_BATCH_MAX_SIZE: String(batchSize),
  });
  const app = new QraftApp(config, silentLogger());
  await app.start();
  await app.whenStarted();
  const nc = await connect({ servers: nats.url });
  const js = jetstream(nc);
  let visible: number;
  let pipelineSeconds: number;
  let publishSeconds: number;
  try {
    const p0 = performance.now();
    for (let i = 0; i < rows.length; i += PUBLISH_WINDOW) {
      await Promise.all(rows.slice(i, i + PUBLISH_WINDOW).map((e) => js.publish(`qraft.events.${e.type}`, JSON.stringify(e), { msgID: e.id })));
    }
    publishSeconds = (performance.now() - p0) / 1000;
    while ((visible = await app.store.countEvents()) < events) await sleep(50);
    pipelineSeconds = (performance.now() - p0) / 1000;
  } finally {
    await nc.close();
    await app.stop();
  }
  if (visible !== events) throw new Error(`${visible} events visible for ${events} published: duplicates are visible`);
  const directRate = events / directSeconds;
  const pipelineRate = events / pipelineSeconds;
  return {
    events,
    batchSize,
    pipeline: { seconds: round(pipelineSeconds), publishSeconds: round(publishSeconds), eventsPerSecond: Math.round(pipelineRate), visible },
    direct: { seconds: round(directSeconds), eventsPerSecond: Math.round(directRate), insertChunk: DIRECT_CHUNK },
    ratio: round(pipelineRate / directRate),
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

if (require.main === module) {
  const { values } = parseArgs({ options: { events: { type: 'string', default: '100000' }, batch: { type: 'string', default: '5000' }, json: { type: 'boolean', default: false } } });
  const events = Number(values.events);
  const batch = Number(values.batch);
  if (!Number.isInteger(events) || events < 1 || !Number.isInteger(batch) || batch < 1) {
    process.stderr.write('usage: ingest-throughput.ts [--events N] [--batch N] [--json]\n');
    process.exit(2);
  }
  runBench(events, batch).then(
    (r) => {
      if (values.json) process.stdout.write(`${JSON.stringify(r)}\n`);
      else {
        process.stdout.write(
          `events: ${r.events} (app batch ${r.batchSize})\n` +
            `pipeline NATS -> app -> ClickHouse: ${r.pipeline.eventsPerSecond} events/s (${r.pipeline.seconds} s, of which publishing ${r.pipeline.publishSeconds} s; ${r.pipeline.visible} visible, no duplicates)\n` +
            `direct ClickHouse insert (${r.direct.insertChunk} rows/insert): ${r.direct.eventsPerSecond} events/s (${r.direct.seconds} s)\n` +
            `ratio pipeline/direct: ${r.ratio} (goal >= 0.5)\n`,
        );
      }
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`benchmark failed: ${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}

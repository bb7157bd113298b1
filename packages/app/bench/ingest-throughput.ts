/**
 * End-to-end ingest throughput: N events published into JetStream until all are queryable (deduplicated) in
 * ClickHouse, beside a baseline in the same run — the same rows inserted straight into ClickHouse with the
 * client's batch insert. Real servers from @qraft/testkit; the app runs in this process.
 *
 * Timings besides the baseline:
 * - end-to-end: from the first publish until all N are visible, the app consuming while the events are published —
 *   with batch envelopes of `--envelope` events per message (`qraft.batch.bench`, default 1 000), and again with
 *   one message per event (`qraft.events.<type>`) for comparison;
 * - publish-only: the same N published (as envelopes, or one per event with `--envelope 1`) into a fresh stream with
 *   the app stopped (JetStream's acked, file-stored publish on its own);
 * - ingest-only: the app started on that full stream, until all N are visible (the app's own part).
 *
 *   pnpm --filter @qraft/app exec tsx bench/ingest-throughput.ts [--events 100000] [--batch N (default: the app's QRAFT_BATCH_MAX_SIZE)] [--envelope 1000] [--publisher async|js] [--producer worker|inline] [--json]
 *
 * The producer runs in a worker thread by default (its own event loop, as a separate producer would; the
 * process still has the 2 cores to share with nats-server and clickhouse-server); `--producer inline` runs it on
 * the app's event loop as the benchmark did before.
 * `--publisher js` publishes with @nats-io/jetstream's `js.publish` (10 000 promises in flight) as the benchmark
 * did before; the default `async` uses the app's JetStreamPublisher (the same acked publish, pipelined cheaply).
 */
import { jetstream } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { startClickHouse, startNats, type ClickHouseTestServer, type NatsTestServer } from '@qraft/testkit';
import { cpus, loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { loadConfig, type AppConfig } from '../src/config';
import { envelopeSubject, eventSubject, type QraftEvent } from '../src/event';
import { createClickHouseClient, EventStore } from '../src/event-store';
import { JetStreamPublisher } from '../src/jetstream-publisher';
import { silentLogger } from '../src/logger';
import { migrate } from '../src/migrations';
import { envelopeMsgId } from '../src/nats-bus';
import { QraftApp } from '../src/qraft-app';
import { sqlDateTime } from '../src/sql';
import { childServerCpuSeconds, processCpuSeconds, threadCpuSeconds } from './process-cpu';

export type PublisherKind = 'async' | 'js';
/** Where the producer runs: its own thread (a separate producer, as in production) or the app's event loop. */
export type ProducerPlace = 'worker' | 'inline';

export interface BenchResult {
  readonly events: number;
  readonly batchSize: number;
  /** The app's QRAFT_DECODE_WORKERS in this run. */
  readonly decodeWorkers: number;
  /** Events per NATS message in `pipeline`, publish-only and ingest-only (1: one message per event). */
  readonly envelope: number;
  readonly publisher: PublisherKind;
  readonly producer: ProducerPlace;
  /** From the first publish until all N are visible, the app consuming meanwhile. */
  readonly pipeline: PipelineResult;
  /** The same with one message per event (equal to `pipeline` when `envelope` is 1). */
  readonly pipelinePerEvent: PipelineResult;
  /** JetStream's acked publish alone (fresh stream, app stopped). */
  readonly publishOnly: { readonly seconds: number; readonly eventsPerSecond: number };
  /** The app started on a stream already holding all N, until all are visible. */
  readonly ingestOnly: { readonly seconds: number; readonly eventsPerSecond: number; readonly visible: number; readonly cpu: CpuBreakdown; readonly batches: BatchStats };
  /** The faster of the two baseline formats, each the faster of two measurements (before and after the other figures). */
  readonly direct: { readonly seconds: number; readonly eventsPerSecond: number; readonly insertChunk: number; readonly format: string };
  readonly directByFormat: Record<string, number>;
  /** pipeline / direct: the goal is >= 0.5. */
  readonly ratio: number;
  readonly perEventRatio: number;
  readonly ingestOnlyRatio: number;
  /** Undefined with --latency-seconds 0. */
  readonly latency: LatencyResult | undefined;
  /** The 1-minute load average at the start and the end: how busy the machine was. */
  readonly loadAverage: readonly [number, number];
}

export interface PipelineResult {
  readonly envelope: number;
  readonly seconds: number;
  readonly publishSeconds: number;
  readonly eventsPerSecond: number;
  readonly visible: number;
  /** CPU seconds used while it ran, per process (the app: this process less the producer thread's own CPU). */
  readonly cpu: CpuBreakdown;
  readonly batches: BatchStats;
}

export interface CpuBreakdown {
  readonly producer: number;
  readonly app: number;
  readonly natsServer: number;
  readonly clickhouseServer: number;
}

/** What the app's own metrics say about its inserts during a figure. */
export interface BatchStats {
  readonly inserts: number;
  readonly rows: number;
  readonly meanRows: number;
  /** Sum of the inserts' durations (they run one at a time, overlapping the consumption of the next batch). */
  readonly insertSeconds: number;
  /** Inserts by what started them (qraft_batch_flushes_total; absent in an app without it). */
  readonly triggers: Record<string, number>;
}

/** Publish → queryable at a light, steady rate of single events: the latency that batching must not buy speed with. */
export interface LatencyResult {
  readonly ratePerSecond: number;
  readonly events: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** How often ClickHouse was asked which events are visible: the resolution of the figures. */
  readonly pollMs: number;
}

/** Rows inserted per call in the baseline: one big JSONEachRow insert per 100k rows is the client's fastest path. */
const DIRECT_CHUNK = 100_000;
/** Publishes in flight at once. */
const PUBLISH_WINDOW: Record<PublisherKind, number> = { async: 4_096, js: 10_000 };
const POLL_MS = 25;

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

/** The client's own row insert: an object per row, serialised by @clickhouse/client as JSONEachRow. */
async function insertJsonEachRow(store: EventStore, rows: readonly QraftEvent[]): Promise<void> {
  const ingestedAt = sqlDateTime(Date.now());
  await store.client.insert({
    table: `${store.database}.events`,
    format: 'JSONEachRow',
    values: rows.map((e) => {
      const ms = Date.parse(e.timestamp);
      return { id: e.id, type: e.type, source: e.source, timestamp: sqlDateTime(ms), timestamp_ms: ms, payload: JSON.stringify(e.payload), ingested_at: ingestedAt };
    }),
  });
}

/**
 * The messages of `rows` as a producer sends them: one per event (`Nats-Msg-Id` = id) when `envelope` is 1, else
 * envelopes of `envelope` events on qraft.batch.bench (`Nats-Msg-Id` = hash of their ids). Each is serialised when it
 * is taken, so a producer publishes the first while it serialises the next, as one that has its events over time does.
 */
function* benchMessages(rows: readonly QraftEvent[], envelope: number): Generator<{ subject: string; data: string; msgId: string }> {
  if (envelope === 1) {
    for (const e of rows) yield { subject: eventSubject(e.type), data: JSON.stringify(e), msgId: e.id };
    return;
  }
  for (let i = 0; i < rows.length; i += envelope) {
    const chunk = rows.slice(i, i + envelope);
    yield { subject: envelopeSubject('bench'), data: JSON.stringify(chunk), msgId: envelopeMsgId(chunk) };
  }
}

/** Publishes every event (acked by JetStream) as a producer would (benchMessages). */
async function publishAll(nc: NatsConnection, rows: readonly QraftEvent[], kind: PublisherKind, envelope: number): Promise<void> {
  if (kind === 'async') {
    const publisher = new JetStreamPublisher(nc, { window: PUBLISH_WINDOW.async, timeoutMs: 30_000 });
    await publisher.publishAll(benchMessages(rows, envelope));
    return;
  }
  const items = [...benchMessages(rows, envelope)];
  const js = jetstream(nc);
  for (let i = 0; i < items.length; i += PUBLISH_WINDOW.js) {
    await Promise.all(items.slice(i, i + PUBLISH_WINDOW.js).map((m) => js.publish(m.subject, m.data, { msgID: m.msgId })));
  }
}

interface Producer {
  /** Publishes all rows; resolves when JetStream acknowledged every one, with the producer's CPU seconds. */
  run(): Promise<number>;
  close(): Promise<void>;
}

/** A producer connected to `url`, ready to publish `rows` — on this event loop or in a worker thread. */
async function startProducer(url: string, rows: readonly QraftEvent[], kind: PublisherKind, place: ProducerPlace, envelope: number): Promise<Producer> {
  if (place === 'inline') {
    const nc = await connect({ servers: url });
    return {
      // On the app's event loop the producer's CPU cannot be told apart: it is counted as the app's.
      run: async () => {
        await publishAll(nc, rows, kind, envelope);
        return 0;
      },
      close: () => nc.close(),
    };
  }
  const worker = new Worker(`require('tsx/cjs'); require(${JSON.stringify(__filename)});`, { eval: true, workerData: { benchProducer: { url, rows, kind, envelope } } });
  const next = (): Promise<{ state: string; busySeconds?: number }> =>
    new Promise((resolve, reject) => {
      worker.once('message', (m: { state: string; error?: string; busySeconds?: number }) => (m.error ? reject(new Error(`producer: ${m.error}`)) : resolve(m)));
      worker.once('error', reject);
    });
  await next(); // connected
  return {
    run: async () => {
      const done = next();
      worker.postMessage('go');
      return (await done).busySeconds ?? 0;
    },
    close: async () => {
      await worker.terminate();
    },
  };
}

/** The worker side of startProducer. */
async function producerThread(data: { url: string; rows: QraftEvent[]; kind: PublisherKind; envelope: number }): Promise<void> {
  const nc = await connect({ servers: data.url });
  parentPort!.once('message', () => {
    // The thread's own CPU time (process.cpuUsage() would count every thread).
    const cpu0 = threadCpuSeconds() ?? 0;
    publishAll(nc, data.rows, data.kind, data.envelope).then(
      () => parentPort!.postMessage({ state: 'done', busySeconds: (threadCpuSeconds() ?? 0) - cpu0 }),
      (error: unknown) => parentPort!.postMessage({ state: 'failed', error: String(error) }),
    );
  });
  parentPort!.postMessage({ state: 'connected' });
}

/** QRAFT_* settings for the app under test beyond the bench's own (e.g. QRAFT_DECODE_WORKERS from --decode-workers). */
type AppEnv = Readonly<Record<string, string>>;

function appConfig(nats: NatsTestServer, ch: ClickHouseTestServer, database: string, batchSize: number, envelope: number, appEnv: AppEnv): AppConfig {
  return loadConfig({
    ...appEnv,
    QRAFT_NATS_URL: nats.url,
    QRAFT_CLICKHOUSE_URL: ch.url,
    QRAFT_CLICKHOUSE_USER: ch.user,
    QRAFT_CLICKHOUSE_PASSWORD: ch.password,
    QRAFT_CLICKHOUSE_DATABASE: database,
    QRAFT_HTTP_HOST: '127.0.0.1',
    QRAFT_HTTP_PORT: '0',
    QRAFT_BATCH_MAX_SIZE: String(batchSize),
    QRAFT_ENVELOPE_MAX_EVENTS: String(Math.max(1_000, envelope)),
  });
}

/** How often the app's own stored-events counter is read while a figure runs (in-process: no query). */
const COUNTER_POLL_MS = 5;

/** qraft_events_ingested_total of this app: events inserted and acknowledged so far. */
async function ingestedCount(app: QraftApp): Promise<number> {
  return (await app.metrics.eventsIngested.get()).values[0]?.value ?? 0;
}

/**
 * The end point of a figure: all N visible, deduplicated. The app's own counter of inserted-and-acked events is
 * watched first (no ClickHouse query while the pipeline runs: a `count() … FINAL` every 25 ms cost the app and
 * ClickHouse CPU on the same 2 cores); once it reaches N, `count() … FINAL` must say N — the end point is the moment
 * it does, polled every 25 ms if it does not yet (a redelivered duplicate counts twice in the counter, once in FINAL).
 */
async function untilVisible(app: QraftApp, events: number, counterStart: number): Promise<number> {
  while ((await ingestedCount(app)) - counterStart < events) await sleep(COUNTER_POLL_MS);
  let visible: number;
  while ((visible = await app.store.countEvents()) < events) await sleep(POLL_MS);
  return visible;
}

/** From the first publish until all N are visible, the app consuming while the producer publishes (fresh NATS). */
async function endToEnd(ch: ClickHouseTestServer, rows: readonly QraftEvent[], database: string, batchSize: number, publisher: PublisherKind, producer: ProducerPlace, envelope: number, appEnv: AppEnv): Promise<PipelineResult> {
  await using nats = await startNats();
  const app = new QraftApp(appConfig(nats, ch, database, batchSize, envelope, appEnv), silentLogger());
  await app.start();
  await app.whenStarted();
  const producing = await startProducer(nats.url, rows, publisher, producer, envelope);
  try {
    const cpu = cpuMeter();
    const batches0 = await batchStats(app);
    const counter0 = await ingestedCount(app);
    const p0 = performance.now();
    const producerSeconds = await producing.run();
    const publishSeconds = (performance.now() - p0) / 1000;
    const visible = await untilVisible(app, rows.length, counter0);
    const seconds = (performance.now() - p0) / 1000;
    return {
      envelope,
      seconds: round(seconds),
      publishSeconds: round(publishSeconds),
      eventsPerSecond: Math.round(rows.length / seconds),
      visible,
      cpu: cpu(producerSeconds),
      batches: diffBatchStats(batches0, await batchStats(app)),
    };
  } finally {
    await producing.close();
    await app.stop();
  }
}

/** The same rows straight into an identical table, 100k rows per insert, as JSONEachRow and as TabSeparated. */
async function directBaselines(ch: ClickHouseTestServer, rows: readonly QraftEvent[], suffix = ''): Promise<Array<BenchResult['direct']>> {
  const baselines: Array<BenchResult['direct']> = [];
  for (const format of ['JSONEachRow', 'TabSeparated'] as const) {
    const database = `bench_direct_${format.toLowerCase()}${suffix}`;
    const direct = new EventStore(createClickHouseClient(ch), database);
    await migrate(direct.client, database);
    const d0 = performance.now();
    for (let i = 0; i < rows.length; i += DIRECT_CHUNK) {
      const chunk = rows.slice(i, i + DIRECT_CHUNK);
      await (format === 'TabSeparated' ? direct.insertEvents(chunk) : insertJsonEachRow(direct, chunk));
    }
    const seconds = (performance.now() - d0) / 1000;
    if ((await direct.countEvents()) !== rows.length) throw new Error(`baseline rows missing (${format})`);
    await direct.client.close();
    baselines.push({ seconds: round(seconds), eventsPerSecond: Math.round(rows.length / seconds), insertChunk: DIRECT_CHUNK, format });
  }
  return baselines;
}

/** Starts measuring CPU; the returned function gives each process's part since then. */
function cpuMeter(): (producerSeconds: number) => CpuBreakdown {
  const p0 = processCpuSeconds();
  const c0 = childServerCpuSeconds();
  return (producerSeconds) => {
    const p1 = processCpuSeconds();
    const c1 = childServerCpuSeconds();
    const child = (name: string) => round((c1[name] ?? 0) - (c0[name] ?? 0));
    return { producer: round(producerSeconds), app: round(p1 - p0 - producerSeconds), natsServer: child('nats-server'), clickhouseServer: child('clickhouse-server') };
  };
}

/** The app's insert metrics so far. */
async function batchStats(app: QraftApp): Promise<BatchStats> {
  const registry = app.metrics.registry;
  const values = async (name: string) => (await registry.getSingleMetric(name)?.get())?.values ?? [];
  const size = await values('qraft_batch_size');
  const duration = await values('qraft_batch_insert_duration_seconds');
  const pick = (list: typeof size, metricName: string) => list.find((v) => (v as { metricName?: string }).metricName === metricName)?.value ?? 0;
  const inserts = pick(size, 'qraft_batch_size_count');
  const rows = pick(size, 'qraft_batch_size_sum');
  const triggers: Record<string, number> = {};
  for (const v of await values('qraft_batch_flushes_total')) if (v.value > 0) triggers[String(v.labels['trigger'])] = v.value;
  return { inserts, rows, meanRows: inserts ? Math.round(rows / inserts) : 0, insertSeconds: round(pick(duration, 'qraft_batch_insert_duration_seconds_sum')), triggers };
}

function diffBatchStats(a: BatchStats, b: BatchStats): BatchStats {
  const inserts = b.inserts - a.inserts;
  const rows = b.rows - a.rows;
  const triggers: Record<string, number> = {};
  for (const [k, v] of Object.entries(b.triggers)) if (v - (a.triggers[k] ?? 0) > 0) triggers[k] = v - (a.triggers[k] ?? 0);
  return { inserts, rows, meanRows: inserts ? Math.round(rows / inserts) : 0, insertSeconds: round(b.insertSeconds - a.insertSeconds), triggers };
}

/** How often the latency figure asks ClickHouse what is visible. */
const LATENCY_POLL_MS = 10;

/**
 * Publish → queryable at a light, steady rate: `ratePerSecond` single events (qraft.events.<type>) for `seconds`,
 * each published on schedule (not waiting for the previous ack), while ClickHouse is polled every 10 ms for the ids
 * that became visible. Latency = first poll that saw the event − its publish.
 */
async function lightRateLatency(ch: ClickHouseTestServer, database: string, batchSize: number, ratePerSecond: number, seconds: number, appEnv: AppEnv): Promise<LatencyResult> {
  await using nats = await startNats();
  const app = new QraftApp(appConfig(nats, ch, database, batchSize, 1_000, appEnv), silentLogger());
  await app.start();
  await app.whenStarted();
  const nc = await connect({ servers: nats.url });
  try {
    const publisher = new JetStreamPublisher(nc, { window: 1_024, timeoutMs: 30_000 });
    const total = Math.max(1, Math.round(ratePerSecond * seconds));
    const publishedAt = new Map<string, { at: number; timestampMs: number }>();
    const latencies: number[] = [];
    let failed: unknown;
    const publishing = (async () => {
      const acks: Array<Promise<unknown>> = [];
      const t0 = performance.now();
      for (let i = 0; i < total; i++) {
        const due = t0 + (i * 1_000) / ratePerSecond;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        const timestampMs = Date.now();
        const event: QraftEvent = { id: `latency-${i}`, type: 'order.created', source: 'bench', timestamp: new Date(timestampMs).toISOString(), payload: { n: i } };
        publishedAt.set(event.id, { at: performance.now(), timestampMs });
        acks.push(publisher.publish({ subject: eventSubject(event.type), data: JSON.stringify(event), msgId: event.id }).catch((e: unknown) => (failed = e)));
      }
      await Promise.all(acks);
    })();
    const deadline = performance.now() + (seconds + 60) * 1_000;
    while (latencies.length < total) {
      if (failed) throw new Error(`latency publish failed: ${String(failed)}`);
      if (performance.now() > deadline) throw new Error(`latency: only ${latencies.length} of ${total} events visible after ${seconds + 60} s`);
      let lowest = Infinity;
      for (const p of publishedAt.values()) lowest = Math.min(lowest, p.timestampMs);
      if (lowest !== Infinity) {
        const result = await app.store.client.query({ query: `SELECT id FROM ${database}.events WHERE timestamp_ms >= ${lowest}`, format: 'JSONEachRow' });
        const now = performance.now();
        for (const { id } of await result.json<{ id: string }>()) {
          const p = publishedAt.get(id);
          if (!p) continue;
          latencies.push(now - p.at);
          publishedAt.delete(id);
        }
      }
      await sleep(LATENCY_POLL_MS);
    }
    await publishing;
    latencies.sort((a, b) => a - b);
    const at = (q: number) => round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!);
    return { ratePerSecond, events: total, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: round(latencies.at(-1)!), pollMs: LATENCY_POLL_MS };
  } finally {
    await nc.close();
    await app.stop();
  }
}

export interface LatencyOptions {
  /** 0 skips the latency figure. */
  readonly seconds: number;
  readonly ratePerSecond: number;
}

export async function runBench(events: number, batchSize: number, publisher: PublisherKind = 'async', producer: ProducerPlace = 'worker', envelope = 1_000, latency: LatencyOptions = { seconds: 10, ratePerSecond: 200 }, appEnv: AppEnv = {}): Promise<BenchResult> {
  const load0 = loadavg()[0]!;
  const { decodeWorkers } = loadConfig(appEnv); // a bad setting fails here, before any server starts
  await using ch = await startClickHouse();
  const rows = makeBenchEvents(events);

  // Baseline: straight into an identical table, 100k rows per insert, in each format; the faster one counts. It is
  // measured again after the other figures and the faster time of the two kept, so a busy moment on a shared machine
  // does not lower the baseline (and so raise the ratios).
  const baselines = await directBaselines(ch, rows);

  // End-to-end: publish into JetStream while the app batches into ClickHouse; done when all are visible.
  // With envelopes, then one message per event (the figure before envelopes), each on a fresh NATS.
  const pipeline = await endToEnd(ch, rows, 'bench_pipeline', batchSize, publisher, producer, envelope, appEnv);
  const pipelinePerEvent = envelope === 1 ? pipeline : await endToEnd(ch, rows, 'bench_pipeline_per_event', batchSize, publisher, producer, 1, appEnv);

  // Publish-only, then ingest-only: the stream filled with the app stopped, then the app started on it.
  let publishOnly: BenchResult['publishOnly'];
  let ingestOnly: BenchResult['ingestOnly'];
  {
    await using nats = await startNats();
    const config = appConfig(nats, ch, 'bench_ingest', batchSize, envelope, appEnv);
    const setup = new QraftApp(config, silentLogger()); // creates the stream, consumer and tables
    await setup.start();
    await setup.whenStarted();
    await setup.stop();
    const producing = await startProducer(nats.url, rows, publisher, producer, envelope);
    const p0 = performance.now();
    await producing.run();
    const publishSeconds = (performance.now() - p0) / 1000;
    await producing.close();
    publishOnly = { seconds: round(publishSeconds), eventsPerSecond: Math.round(events / publishSeconds) };
    const app = new QraftApp(config, silentLogger());
    try {
      await app.start();
      await app.whenStarted(); // connected and migrated; the consumer starts now
      const cpu = cpuMeter();
      const i0 = performance.now();
      const visible = await untilVisible(app, events, 0);
      const seconds = (performance.now() - i0) / 1000;
      ingestOnly = { seconds: round(seconds), eventsPerSecond: Math.round(events / seconds), visible, cpu: cpu(0), batches: await batchStats(app) };
    } finally {
      await app.stop();
    }
  }

  for (const visible of [pipeline.visible, pipelinePerEvent.visible, ingestOnly.visible]) {
    if (visible !== events) throw new Error(`${visible} events visible for ${events} published: duplicates are visible`);
  }
  const again = await directBaselines(ch, rows, '_again');
  for (const [i, b] of again.entries()) if (b.eventsPerSecond > baselines[i]!.eventsPerSecond) baselines[i] = b;
  const best = baselines.reduce((a, b) => (b.eventsPerSecond > a.eventsPerSecond ? b : a));
  const directRate = best.eventsPerSecond;
  return {
    events,
    batchSize,
    decodeWorkers,
    envelope,
    publisher,
    producer,
    pipeline,
    pipelinePerEvent,
    publishOnly,
    ingestOnly,
    direct: best,
    directByFormat: Object.fromEntries(baselines.map((b) => [b.format, b.eventsPerSecond])),
    ratio: round(pipeline.eventsPerSecond / directRate),
    perEventRatio: round(pipelinePerEvent.eventsPerSecond / directRate),
    ingestOnlyRatio: round(ingestOnly.eventsPerSecond / directRate),
    latency: latency.seconds > 0 ? await lightRateLatency(ch, 'bench_latency', batchSize, latency.ratePerSecond, latency.seconds, appEnv) : undefined,
    loadAverage: [round(load0), round(loadavg()[0]!)],
  };
}

function cpuText(c: CpuBreakdown): string {
  return `producer ${c.producer}, app ${c.app}, nats-server ${c.natsServer}, clickhouse-server ${c.clickhouseServer}`;
}

function batchText(b: BatchStats): string {
  const triggers = Object.entries(b.triggers).map(([k, v]) => `${k} ${v}`).join(', ');
  return `${b.inserts} (mean ${b.meanRows} rows, ${b.insertSeconds} s in all${triggers ? `; started by ${triggers}` : ''})`;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

if (!isMainThread && (workerData as { benchProducer?: unknown } | null)?.benchProducer) {
  void producerThread((workerData as { benchProducer: { url: string; rows: QraftEvent[]; kind: PublisherKind; envelope: number } }).benchProducer);
} else if (require.main === module) {
  const { values } = parseArgs({
    options: { events: { type: 'string', default: '100000' }, batch: { type: 'string', default: String(loadConfig({}).batchMaxSize) }, envelope: { type: 'string', default: '1000' }, publisher: { type: 'string', default: 'async' }, producer: { type: 'string', default: 'worker' }, 'latency-seconds': { type: 'string', default: '10' }, 'latency-rate': { type: 'string', default: '200' }, 'decode-workers': { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
  });
  const usage =
    'usage: ingest-throughput.ts [--events N] [--batch N] [--envelope N (events per message, 1 = one message per event)] [--publisher async|js] [--producer worker|inline]\n' +
    '                            [--latency-seconds S (light-rate latency figure; 0 skips it, default 10)] [--latency-rate N (events/s, default 200)]\n' +
    "                            [--decode-workers N (the app's QRAFT_DECODE_WORKERS; default: the app's default)] [--json]\n";
  if (values.help) {
    process.stdout.write(usage);
    process.exit(0);
  }
  const events = Number(values.events);
  const batch = Number(values.batch);
  const envelope = Number(values.envelope);
  const publisher = values.publisher as PublisherKind;
  const producer = values.producer as ProducerPlace;
  const latencySeconds = Number(values['latency-seconds']);
  const latencyRate = Number(values['latency-rate']);
  if (!Number.isFinite(latencySeconds) || latencySeconds < 0 || !Number.isFinite(latencyRate) || latencyRate <= 0 || !Number.isInteger(events) || events < 1 || !Number.isInteger(batch) || batch < 1 || !Number.isInteger(envelope) || envelope < 1 || envelope > 100_000 || !['async', 'js'].includes(publisher) || !['worker', 'inline'].includes(producer)) {
    process.stderr.write(usage);
    process.exit(2);
  }
  const appEnv: Record<string, string> = values['decode-workers'] === undefined ? {} : { QRAFT_DECODE_WORKERS: values['decode-workers'] };
  runBench(events, batch, publisher, producer, envelope, { seconds: latencySeconds, ratePerSecond: latencyRate }, appEnv).then(
    (r) => {
      if (values.json) process.stdout.write(`${JSON.stringify(r)}\n`);
      else {
        const per = (n: number) => (n === 1 ? 'one message per event' : `envelopes of ${n} events`);
        process.stdout.write(
          `events: ${r.events} (app batch ${r.batchSize}, decode workers ${r.decodeWorkers}, publisher ${r.publisher}, producer ${r.producer === 'worker' ? 'in a worker thread' : "on the app's event loop"})\n` +
            `end-to-end publish -> JetStream -> app -> ClickHouse, ${per(r.envelope)}: ${r.pipeline.eventsPerSecond} events/s (${r.pipeline.seconds} s, of which publishing ${r.pipeline.publishSeconds} s; ${r.pipeline.visible} visible, no duplicates)\n` +
            (r.envelope === 1
              ? ''
              : `end-to-end, ${per(1)}: ${r.pipelinePerEvent.eventsPerSecond} events/s (${r.pipelinePerEvent.seconds} s, of which publishing ${r.pipelinePerEvent.publishSeconds} s; ${r.pipelinePerEvent.visible} visible)\n`) +
            `publish-only into JetStream (acked, file store, ${per(r.envelope)}): ${r.publishOnly.eventsPerSecond} events/s (${r.publishOnly.seconds} s)\n` +
            `ingest-only JetStream -> app -> ClickHouse (${per(r.envelope)}): ${r.ingestOnly.eventsPerSecond} events/s (${r.ingestOnly.seconds} s; ${r.ingestOnly.visible} visible)\n` +
            `direct ClickHouse insert (${r.direct.insertChunk} rows/insert, ${r.direct.format}, the faster of ${Object.entries(r.directByFormat).map(([f, v]) => `${f} ${v}`).join(' / ')}): ${r.direct.eventsPerSecond} events/s (${r.direct.seconds} s)\n` +
            `ratio end-to-end/direct: ${r.ratio} (goal >= 0.5)${r.envelope === 1 ? '' : `; one message per event: ${r.perEventRatio}`}; ingest-only/direct: ${r.ingestOnlyRatio}\n` +
            `CPU s, end-to-end (${per(r.envelope)}): ${cpuText(r.pipeline.cpu)}; inserts ${batchText(r.pipeline.batches)}\n` +
            `CPU s, ingest-only: ${cpuText(r.ingestOnly.cpu)}; inserts ${batchText(r.ingestOnly.batches)}\n` +
            (r.latency
              ? `latency publish -> queryable at ${r.latency.ratePerSecond} events/s (${r.latency.events} single events, polled every ${r.latency.pollMs} ms): p50 ${r.latency.p50Ms} ms, p99 ${r.latency.p99Ms} ms, max ${r.latency.maxMs} ms\n`
              : '') +
            `load average (1 min) at start / end: ${r.loadAverage[0]} / ${r.loadAverage[1]} on ${cpus().length} cores\n`,
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

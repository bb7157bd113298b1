import type { ClickHouseClient } from '@clickhouse/client';
import type { ConsumerInfo, JetStreamManager } from '@nats-io/jetstream';
import { Gauge, type Registry } from 'prom-client';
import type { QraftEvent } from './event';

/** Where the consumer figures come from; undefined while the app is not connected to NATS. */
export type ConsumerSource = () => { readonly jsm: JetStreamManager; readonly stream: string; readonly consumers: readonly string[] } | undefined;

/** A scrape may wait this long for JetStream's answer; Prometheus gives the whole scrape 10 s. */
const CONSUMER_INFO_TIMEOUT_MS = 3_000;
/** The three gauges of one scrape share one lookup (prom-client collects them one after another or together). */
const CONSUMER_INFO_REUSE_MS = 1_000;

/**
 * The pipeline's health in the figures someone on call looks at first: how far the app's durable consumers
 * are behind (pending, unacknowledged, redelivered, read from JetStream at scrape time) and how old the newest
 * event stored in ClickHouse is. The consumer series are absent while NATS is unreachable, the age until the
 * first insert since start.
 */
export class PipelineMetrics {
  private source: ConsumerSource = () => undefined;
  private newestEventMs: number | undefined;
  private table: string | undefined;

  constructor(registry: Registry, now: () => number = Date.now) {
    const labelNames = ['consumer'] as const;
    const pending: Gauge<'consumer'> = new Gauge({
      name: 'qraft_consumer_pending',
      help: 'Messages in the stream the durable consumer has not been given yet (JetStream num_pending).',
      labelNames,
      registers: [registry],
      collect: () => this.fill(pending, (i) => i.num_pending),
    });
    const ackPending: Gauge<'consumer'> = new Gauge({
      name: 'qraft_consumer_ack_pending',
      help: 'Messages handed to the app and not yet acknowledged (JetStream num_ack_pending).',
      labelNames,
      registers: [registry],
      collect: () => this.fill(ackPending, (i) => i.num_ack_pending),
    });
    const redelivered: Gauge<'consumer'> = new Gauge({
      name: 'qraft_consumer_redelivered',
      help: 'Messages delivered more than once and still unacknowledged (JetStream num_redelivered).',
      labelNames,
      registers: [registry],
      collect: () => this.fill(redelivered, (i) => i.num_redelivered),
    });
    // Labelled by table so that "not known yet" is no series at all (an unlabelled gauge always shows a value).
    const age: Gauge<'table'> = new Gauge({
      name: 'qraft_newest_event_age_seconds',
      help: 'Seconds between now and the timestamp of the newest event stored in ClickHouse (absent while the table is empty).',
      labelNames: ['table'],
      registers: [registry],
      collect: () => {
        age.reset();
        if (this.newestEventMs !== undefined && this.table !== undefined) age.set({ table: this.table }, Math.max(0, (now() - this.newestEventMs) / 1_000));
      },
    });
  }

  /** Called by the app once NATS is connected. */
  watchConsumers(source: ConsumerSource): void {
    this.source = source;
  }

  /** Called by the app once its schema is ready: starts the age from what is stored already (after a restart too). */
  async seedNewestEvent(client: ClickHouseClient, database: string): Promise<void> {
    this.table = `${database}.events`;
    const result = await client.query({ query: `SELECT count() AS n, max(timestamp_ms) AS ms FROM ${this.table}`, format: 'JSONEachRow' });
    const [row] = await result.json<{ n: string | number; ms: string | number }>();
    if (row && Number(row.n) > 0) this.stored([{ timestamp: new Date(Number(row.ms)).toISOString() }]);
  }

  /** The ingest hook: called with every batch right after its insert succeeded. */
  stored(events: ReadonlyArray<Pick<QraftEvent, 'timestamp'>>): void {
    for (const event of events) {
      const ms = Date.parse(event.timestamp);
      if (Number.isFinite(ms) && (this.newestEventMs === undefined || ms > this.newestEventMs)) this.newestEventMs = ms;
    }
  }

  private async fill(gauge: Gauge<'consumer'>, figure: (info: ConsumerInfo) => number): Promise<void> {
    const infos = await this.consumerInfos();
    gauge.reset();
    for (const [consumer, info] of infos) gauge.set({ consumer }, figure(info));
  }

  private lookup: { startedMs: number; result: Promise<Map<string, ConsumerInfo>> } | undefined;

  private consumerInfos(): Promise<Map<string, ConsumerInfo>> {
    const nowMs = Date.now();
    if (this.lookup && nowMs - this.lookup.startedMs < CONSUMER_INFO_REUSE_MS) return this.lookup.result;
    const source = this.source();
    const result = (async () => {
      const infos = new Map<string, ConsumerInfo>();
      if (!source) return infos;
      await Promise.all(
        source.consumers.map(async (consumer) => {
          try {
            infos.set(consumer, await withTimeout(source.jsm.consumers.info(source.stream, consumer), CONSUMER_INFO_TIMEOUT_MS));
          } catch {
            // No answer, no series: a made-up 0 would read as "caught up". The NATS alerts say why.
          }
        }),
      );
      return infos;
    })();
    this.lookup = { startedMs: nowMs, result };
    return result;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RejectReason } from './event';
import { PipelineMetrics } from './pipeline-metrics';

/**
 * Why a batch insert started: `size` (QRAFT_BATCH_MAX_SIZE rows, no insert running), `wait` (QRAFT_BATCH_MAX_WAIT_MS
 * passed), `backlog` (the batch that filled while the previous insert ran, started as that one ended, or the rest
 * when a backlog ended), `tail` (near a backlog's end, the rest beside the running insert), `limit`
 * (QRAFT_BATCH_BACKLOG_MAX_SIZE rows or QRAFT_BATCH_MAX_BYTES reached), `stop` (shutdown).
 */
const FLUSH_TRIGGERS = ['size', 'wait', 'backlog', 'tail', 'limit', 'stop'] as const;
export type FlushTrigger = (typeof FLUSH_TRIGGERS)[number];

/** The app's Prometheus metrics, on a registry of its own so several apps (tests) can live in one process. */
export class AppMetrics {
  readonly registry = new Registry();
  /** Consumer lag and the newest stored event's age. */
  readonly pipeline = new PipelineMetrics(this.registry);
  readonly eventsIngested = new Counter({
    name: 'qraft_events_ingested_total',
    help: 'Events written to ClickHouse and acknowledged on NATS (redeliveries included).',
    registers: [this.registry],
  });
  readonly eventsRejected = new Counter<'reason'>({
    name: 'qraft_events_rejected_total',
    help: 'Events refused by validation, by reason (dead-lettered from NATS or answered 400 over HTTP).',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly eventsPublished = new Counter({
    name: 'qraft_events_published_total',
    help: 'Events accepted by POST /events and stored in JetStream.',
    registers: [this.registry],
  });
  readonly envelopesIngested = new Counter({
    name: 'qraft_envelopes_ingested_total',
    help: 'Batch envelopes (qraft.batch.>) acknowledged after all their valid events were written to ClickHouse and their invalid ones dead-lettered (redeliveries included).',
    registers: [this.registry],
  });
  readonly envelopesRejected = new Counter<'reason'>({
    name: 'qraft_envelopes_rejected_total',
    help: 'Batch envelopes dead-lettered whole, by reason (not JSON, not an array, too many events or bytes); their events are not counted in qraft_events_rejected_total.',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly envelopesPublished = new Counter({
    name: 'qraft_envelopes_published_total',
    help: 'Batch envelopes stored in JetStream by POST /events (an array request).',
    registers: [this.registry],
  });
  readonly batchSize = new Histogram({
    name: 'qraft_batch_size',
    help: 'Events per ClickHouse insert batch.',
    buckets: [1, 10, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000],
    registers: [this.registry],
  });
  readonly batchBytes = new Histogram({
    name: 'qraft_batch_bytes',
    help: 'NATS message bytes (as received) per ClickHouse insert batch.',
    buckets: [1_024, 16_384, 65_536, 262_144, 1_048_576, 4_194_304, 16_777_216, 67_108_864],
    registers: [this.registry],
  });
  readonly batchFlushes = new Counter<'trigger'>({
    name: 'qraft_batch_flushes_total',
    help: 'Batch inserts started, by trigger: size, wait (light traffic), backlog (filled while the previous insert ran), tail (the rest of a backlog, beside the running insert), limit (rows or bytes cap), stop.',
    labelNames: ['trigger'],
    registers: [this.registry],
  });
  readonly batchInsertDuration = new Histogram({
    name: 'qraft_batch_insert_duration_seconds',
    help: 'Time to insert one batch into ClickHouse, retries included.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly insertFailures = new Counter({
    name: 'qraft_batch_insert_failures_total',
    help: 'Failed ClickHouse insert attempts (each is retried; events stay unacknowledged meanwhile).',
    registers: [this.registry],
  });
  readonly natsConnected = new Gauge({
    name: 'qraft_nats_connected',
    help: '1 while the app is connected to NATS.',
    registers: [this.registry],
  });
  readonly clickhouseConnected = new Gauge({
    name: 'qraft_clickhouse_connected',
    help: '1 while the last ClickHouse call succeeded.',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    for (const reason of ['too_large', 'invalid_json', 'invalid_event'] satisfies RejectReason[]) {
      this.eventsRejected.inc({ reason }, 0);
      this.envelopesRejected.inc({ reason }, 0);
    }
    for (const trigger of FLUSH_TRIGGERS) this.batchFlushes.inc({ trigger }, 0);
    this.natsConnected.set(0);
    this.clickhouseConnected.set(0);
  }
}

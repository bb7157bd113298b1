import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { decodeEvent, type QraftEvent } from './event';
import type { EventStore } from './event-store';
import type { AppMetrics } from './metrics';
import type { NatsBus } from './nats-bus';
import { retryUntilDone } from './retry';

export interface IngestorOptions {
  readonly bus: NatsBus;
  readonly store: EventStore;
  readonly metrics: AppMetrics;
  readonly logger: Logger;
  readonly batchMaxSize: number;
  readonly batchMaxWaitMs: number;
  readonly eventMaxBytes: number;
  readonly ackWaitMs: number;
}

interface Pending {
  readonly msg: JsMsg;
  readonly event: QraftEvent;
}

/**
 * Moves events from the durable JetStream consumer into ClickHouse in batches bounded by size and time.
 * A message is acknowledged only after the insert that holds it succeeded, so a crash before that means
 * redelivery, never loss; ClickHouse dedupes the redelivered copy. While ClickHouse is down the batch is
 * retried with back-off and kept alive on the server (`working()`), and no new batch is taken.
 */
export class Ingestor {
  private buffer: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushChain: Promise<void> = Promise.resolve();
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;
  private stopping = false;
  /** Aborts in-flight insert retries when shutdown runs out of time; those messages stay unacked for redelivery. */
  private readonly abort = new AbortController();
  private lastErrorText: string | undefined;

  constructor(private readonly options: IngestorOptions) {}

  get running(): boolean {
    return this.loop !== undefined && !this.stopping;
  }

  /** The last ingest problem (e.g. ClickHouse insert failing), cleared by the next success. */
  get lastError(): string | undefined {
    return this.lastErrorText;
  }

  start(): void {
    if (this.loop) return;
    this.loop = this.run();
  }

  /** Stops taking messages, flushes and acks what it holds; gives up (leaving them for redelivery) at `deadline`. */
  async stop(timeoutMs: number): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const deadline = setTimeout(() => this.abort.abort(new Error(`shutdown timeout of ${timeoutMs} ms reached`)), timeoutMs);
    deadline.unref();
    try {
      this.messages?.stop();
      // The loop may be waiting on a NATS that is gone; the deadline ends that wait too.
      await Promise.race([this.loop, once(this.abort.signal, 'abort')]);
      await this.flush();
      await this.options.bus.connection.flush().catch(() => undefined);
    } finally {
      clearTimeout(deadline);
    }
  }

  private async run(): Promise<void> {
    const { logger } = this.options;
    let delayMs = 250;
    while (!this.stopping) {
      try {
        const consumer = await this.options.bus.consumer();
        // Pull ahead of the batch being inserted, but never more than two batches unacknowledged here.
        this.messages = await consumer.consume({ max_messages: this.options.batchMaxSize * 2 });
        if (this.stopping) this.messages.stop();
        delayMs = 250;
        for await (const msg of this.messages) await this.accept(msg);
      } catch (error) {
        if (this.stopping) break;
        logger.warn({ err: error, retryInMs: delayMs }, 'event consumer stopped; re-creating it');
        await this.options.bus.ensureTopology().catch(() => undefined);
        await sleep(delayMs);
        delayMs = Math.min(delayMs * 2, 5_000);
      }
    }
  }

  private async accept(msg: JsMsg): Promise<void> {
    const { metrics, logger } = this.options;
    const result = decodeEvent(msg.data, this.options.eventMaxBytes);
    if (!result.ok) {
      try {
        await this.options.bus.deadLetter(result.reason, result.detail, msg.subject, msg.data);
        msg.ack();
        metrics.eventsRejected.inc({ reason: result.reason });
        logger.warn({ subject: msg.subject, seq: msg.seq, reason: result.reason, detail: result.detail }, 'event dead-lettered');
      } catch (error) {
        // Not acked: JetStream redelivers it and dead-lettering is tried again.
        logger.error({ err: error, subject: msg.subject, seq: msg.seq }, 'could not dead-letter an invalid event; it will be redelivered');
        msg.nak(1_000);
      }
      return;
    }
    this.buffer.push({ msg, event: result.event });
    if (this.buffer.length >= this.options.batchMaxSize) {
      await this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.options.batchMaxWaitMs);
    }
  }

  /** Queues the current buffer for insertion; flushes run one at a time, in order. */
  private flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buffer;
    this.buffer = [];
    if (batch.length === 0) return this.flushChain;
    this.flushChain = this.flushChain.then(() => this.insertAndAck(batch));
    return this.flushChain;
  }

  private async insertAndAck(batch: readonly Pending[]): Promise<void> {
    const { store, metrics, logger } = this.options;
    const started = process.hrtime.bigint();
    // Keep the messages ours on the server while an insert is retried, so they are not handed out again.
    const keepAlive = setInterval(() => batch.forEach((p) => p.msg.working()), Math.max(500, this.options.ackWaitMs / 3));
    try {
      await retryUntilDone(() => store.insertEvents(batch.map((p) => p.event)), {
        signal: this.abort.signal,
        initialDelayMs: 200,
        maxDelayMs: 5_000,
        onFailure: (error, attempt, retryInMs) => {
          metrics.insertFailures.inc();
          metrics.clickhouseConnected.set(0);
          this.lastErrorText = `ClickHouse insert failing: ${(error as Error).message}`;
          logger.warn({ err: error, attempt, retryInMs, batchSize: batch.length }, 'ClickHouse insert failed; holding the batch unacknowledged and retrying');
        },
      });
    } catch (error) {
      logger.error({ err: error, batchSize: batch.length }, 'gave up inserting a batch at shutdown; it stays unacknowledged and will be redelivered');
      return;
    } finally {
      clearInterval(keepAlive);
    }
    for (const p of batch) p.msg.ack();
    this.lastErrorText = undefined;
    metrics.clickhouseConnected.set(1);
    metrics.eventsIngested.inc(batch.length);
    metrics.batchSize.observe(batch.length);
    metrics.batchInsertDuration.observe(Number(process.hrtime.bigint() - started) / 1e9);
    logger.debug({ batchSize: batch.length }, 'batch inserted and acknowledged');
  }
}

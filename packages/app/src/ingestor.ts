import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { decodeEnvelope, decodeEvent, type QraftEvent, type RejectReason } from './event';
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
  readonly envelopeMaxEvents: number;
  readonly envelopeMaxBytes: number;
  readonly ackWaitMs: number;
}

/** Events waiting for one insert, with the messages to ack once it succeeded; a message is never split. */
interface Batch {
  readonly events: QraftEvent[];
  readonly msgs: JsMsg[];
  /** How many of `msgs` are envelopes. */
  envelopes: number;
}

function emptyBatch(): Batch {
  return { events: [], msgs: [], envelopes: 0 };
}

/** How long one envelope fetch waits for messages before the next one is sent. */
const ENVELOPE_FETCH_EXPIRES_MS = 5_000;

/**
 * Moves events from the durable JetStream consumers into ClickHouse in batches bounded by size and time.
 * A message is acknowledged only after the insert that holds it succeeded, so a crash before that means
 * redelivery, never loss; ClickHouse dedupes the redelivered copy. While ClickHouse is down the batch is
 * retried with back-off and kept alive on the server (`working()`), and no new batch is taken.
 *
 * Two consumers feed the same batches: single events (`qraft.events.>`, `consume`, as many messages as a
 * batch or two) and envelopes (`qraft.batch.>`, `fetch` bounded in bytes, since one message may hold a thousand
 * events). An envelope's events always go into one batch together, so its one ack follows the one insert that
 * holds all of them; its invalid events are dead-lettered (and its whole body, if it is refused as a whole)
 * before that.
 */
export class Ingestor {
  private buffer: Batch = emptyBatch();
  private timer: NodeJS.Timeout | undefined;
  private flushChain: Promise<void> = Promise.resolve();
  private messages: ConsumerMessages | undefined;
  private envelopeMessages: ConsumerMessages | undefined;
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
    this.loop = Promise.all([this.run(), this.runEnvelopes()]).then(() => undefined);
  }

  /** Stops taking messages, flushes and acks what it holds; gives up (leaving them for redelivery) at `deadline`. */
  async stop(timeoutMs: number): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const deadline = setTimeout(() => this.abort.abort(new Error(`shutdown timeout of ${timeoutMs} ms reached`)), timeoutMs);
    deadline.unref();
    try {
      this.messages?.stop();
      this.envelopeMessages?.stop();
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

  /**
   * Envelopes: one fetch at a time, bounded in bytes (at least two of the largest message the server takes, so
   * any envelope, even one over QRAFT_ENVELOPE_MAX_BYTES that must be dead-lettered, can be fetched). What is held
   * is then at most one fetch plus the batches — `consume` would keep pulling while a batch waits on ClickHouse.
   */
  private async runEnvelopes(): Promise<void> {
    const { logger } = this.options;
    let delayMs = 250;
    while (!this.stopping) {
      try {
        const consumer = await this.options.bus.envelopeConsumer();
        const maxBytes = Math.max(4 * this.options.envelopeMaxBytes, 2 * this.options.bus.maxPayload) + 65_536;
        while (!this.stopping) {
          this.envelopeMessages = await consumer.fetch({ max_bytes: maxBytes, expires: ENVELOPE_FETCH_EXPIRES_MS });
          if (this.stopping) this.envelopeMessages.stop();
          try {
            for await (const msg of this.envelopeMessages) await this.acceptEnvelope(msg);
          } catch (error) {
            // A fetch that ends because its byte budget is used up is not a failure: fetch again.
            if (!/exceeds maxbytes/i.test((error as Error).message ?? '')) throw error;
          }
          delayMs = 250;
        }
      } catch (error) {
        if (this.stopping) break;
        logger.warn({ err: error, retryInMs: delayMs }, 'envelope consumer stopped; re-creating it');
        await this.options.bus.ensureTopology().catch(() => undefined);
        await sleep(delayMs);
        delayMs = Math.min(delayMs * 2, 5_000);
      }
    }
  }

  private async accept(msg: JsMsg): Promise<void> {
    const result = decodeEvent(msg.data, this.options.eventMaxBytes);
    if (!result.ok) {
      await this.rejectMessage(msg, result.reason, result.detail);
      return;
    }
    await this.add([result.event], msg, false);
  }

  private async acceptEnvelope(msg: JsMsg): Promise<void> {
    const { metrics, logger, bus } = this.options;
    const o = this.options;
    const result = decodeEnvelope(msg.data, { maxEvents: o.envelopeMaxEvents, maxBytes: o.envelopeMaxBytes, eventMaxBytes: o.eventMaxBytes });
    if (!result.ok) {
      await this.rejectMessage(msg, result.reason, result.detail, true);
      return;
    }
    if (result.rejected.length > 0) {
      try {
        await Promise.all(result.rejected.map((r) => bus.deadLetter(r.reason, r.detail, msg.subject, r.body, { streamSequence: msg.seq, index: r.index })));
      } catch (error) {
        // Nothing of the envelope is acked: it comes back whole; the dead letters already stored dedupe by msg id.
        logger.error({ err: error, subject: msg.subject, seq: msg.seq }, 'could not dead-letter the invalid events of an envelope; it will be redelivered');
        msg.nak(1_000);
        return;
      }
      for (const r of result.rejected) {
        metrics.eventsRejected.inc({ reason: r.reason });
        logger.warn({ subject: msg.subject, seq: msg.seq, index: r.index, reason: r.reason, detail: r.detail }, 'event of an envelope dead-lettered');
      }
    }
    if (result.events.length === 0) {
      // Every event was dead-lettered: nothing to insert.
      msg.ack();
      metrics.envelopesIngested.inc();
      return;
    }
    await this.add(result.events, msg, true);
  }

  /** Dead-letters a whole message with its original body, then acks it; on failure leaves it for redelivery. */
  private async rejectMessage(msg: JsMsg, reason: RejectReason, detail: string, envelope = false): Promise<void> {
    const { metrics, logger } = this.options;
    try {
      await this.options.bus.deadLetter(reason, detail, msg.subject, msg.data);
      msg.ack();
      if (envelope) metrics.envelopesRejected.inc({ reason });
      else metrics.eventsRejected.inc({ reason });
      logger.warn({ subject: msg.subject, seq: msg.seq, reason, detail }, envelope ? 'envelope dead-lettered' : 'event dead-lettered');
    } catch (error) {
      // Not acked: JetStream redelivers it and dead-lettering is tried again.
      logger.error({ err: error, subject: msg.subject, seq: msg.seq }, 'could not dead-letter an invalid message; it will be redelivered');
      msg.nak(1_000);
    }
  }

  /** Adds one message's events to the batch, all together; flushes first when they would not fit. */
  private async add(events: readonly QraftEvent[], msg: JsMsg, envelope: boolean): Promise<void> {
    const max = this.options.batchMaxSize;
    if (this.buffer.events.length > 0 && this.buffer.events.length + events.length > max) await this.flush();
    const batch = this.buffer;
    for (const e of events) batch.events.push(e);
    batch.msgs.push(msg);
    if (envelope) batch.envelopes++;
    if (batch.events.length >= max) {
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
    this.buffer = emptyBatch();
    if (batch.msgs.length === 0) return this.flushChain;
    this.flushChain = this.flushChain.then(() => this.insertAndAck(batch));
    return this.flushChain;
  }

  private async insertAndAck(batch: Batch): Promise<void> {
    const { store, metrics, logger } = this.options;
    const started = process.hrtime.bigint();
    // Keep the messages ours on the server while an insert is retried, so they are not handed out again.
    const keepAlive = setInterval(() => batch.msgs.forEach((m) => m.working()), Math.max(500, this.options.ackWaitMs / 3));
    try {
      await retryUntilDone(() => store.insertEvents(batch.events), {
        signal: this.abort.signal,
        initialDelayMs: 200,
        maxDelayMs: 5_000,
        onFailure: (error, attempt, retryInMs) => {
          metrics.insertFailures.inc();
          metrics.clickhouseConnected.set(0);
          this.lastErrorText = `ClickHouse insert failing: ${(error as Error).message}`;
          logger.warn({ err: error, attempt, retryInMs, batchSize: batch.events.length }, 'ClickHouse insert failed; holding the batch unacknowledged and retrying');
        },
      });
    } catch (error) {
      logger.error({ err: error, batchSize: batch.events.length }, 'gave up inserting a batch at shutdown; it stays unacknowledged and will be redelivered');
      return;
    } finally {
      clearInterval(keepAlive);
    }
    for (const m of batch.msgs) m.ack();
    this.lastErrorText = undefined;
    metrics.clickhouseConnected.set(1);
    metrics.eventsIngested.inc(batch.events.length);
    metrics.pipeline.stored(batch.events);
    if (batch.envelopes > 0) metrics.envelopesIngested.inc(batch.envelopes);
    metrics.batchSize.observe(batch.events.length);
    metrics.batchInsertDuration.observe(Number(process.hrtime.bigint() - started) / 1e9);
    logger.debug({ batchSize: batch.events.length }, 'batch inserted and acknowledged');
  }
}

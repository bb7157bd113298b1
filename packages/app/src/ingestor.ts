import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import { once } from 'node:events';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { EnvelopeDecoder } from './envelope-decoder';
import type { EnvelopeRows } from './envelope-rows';
import { decodeEvent, type RejectReason } from './event';
import { validatedEventRow } from './event-row';
import type { EventStore } from './event-store';
import type { AppMetrics, FlushTrigger } from './metrics';
import type { NatsBus } from './nats-bus';
import { retryUntilDone } from './retry';
import { sqlDateTime } from './sql';

export interface IngestorOptions {
  readonly bus: NatsBus;
  readonly store: EventStore;
  readonly metrics: AppMetrics;
  readonly logger: Logger;
  /** Rows at which an insert starts when none is running (QRAFT_BATCH_MAX_SIZE). */
  readonly batchMaxSize: number;
  /** Rows one batch may grow to while an insert is running under a backlog (QRAFT_BATCH_BACKLOG_MAX_SIZE). */
  readonly batchBacklogMaxSize: number;
  /** Received message bytes one batch may hold (QRAFT_BATCH_MAX_BYTES). */
  readonly batchMaxBytes: number;
  readonly batchMaxWaitMs: number;
  readonly eventMaxBytes: number;
  readonly envelopeMaxEvents: number;
  readonly envelopeMaxBytes: number;
  readonly ackWaitMs: number;
  /** Decodes envelopes into rows, on worker threads or inline (QRAFT_DECODE_WORKERS); its owner closes it. */
  readonly decoder: EnvelopeDecoder;
}

/** Rows waiting for one insert, with the messages to ack once it succeeded; a message is never split. */
interface Batch {
  /** How many rows the batch holds. */
  rows: number;
  /**
   * The rows as TabSeparated (eventRow), encoded as they are decoded: a message's rows at a time, small messages'
   * gathered in `text` up to CHUNK_CHARS first. Encoding early lets the row strings die young (measured: ~40 % less
   * app CPU for decode + rows than keeping every row string until the insert joins them).
   */
  readonly chunks: Uint8Array[];
  text: string;
  readonly msgs: JsMsg[];
  /** How many of `msgs` are envelopes. */
  envelopes: number;
  /** Bytes of `msgs` as received. */
  bytes: number;
  /** The newest event timestamp in the batch (ISO text, which sorts as time), for qraft_newest_event_age_seconds. */
  newest: string;
}

function emptyBatch(): Batch {
  return { rows: 0, chunks: [], text: '', msgs: [], envelopes: 0, bytes: 0, newest: '' };
}

/**
 * Single-event messages decoded between two turns of the event loop while an insert runs. Messages already pulled
 * are iterated with promises alone, which never let the loop reach I/O: without a turn now and then the running
 * insert's body would not be sent (nor its answer read) until the pulled messages ran out — the insert would wait
 * for the decoding instead of overlapping it. Envelopes (a thousand events each) take a turn after each one.
 */
const EVENTS_PER_TURN = 200;

/** Rows of single-event messages are gathered up to this many characters before they are encoded as one chunk. */
const CHUNK_CHARS = 65_536;

/** The batch's rows as encoded chunks, the gathered text included. */
function batchChunks(batch: Batch): Uint8Array[] {
  if (batch.text.length > 0) {
    batch.chunks.push(Buffer.from(batch.text));
    batch.text = '';
  }
  return batch.chunks;
}

/**
 * Envelopes handed to the decoder ahead of the one being added to a batch: enough to keep the decode workers busy
 * while the main thread adds, acks and inserts, and a bound on memory (each ≤ QRAFT_ENVELOPE_MAX_BYTES, held as
 * received and as rows).
 */
const DECODE_AHEAD = 4;

/** How long one envelope fetch waits for messages before the next one is sent. */
const ENVELOPE_FETCH_EXPIRES_MS = 5_000;

/**
 * Moves events from the durable JetStream consumers into ClickHouse in batches. A message is acknowledged only after
 * the insert that holds it succeeded, so a crash before that means redelivery, never loss; ClickHouse dedupes the
 * redelivered copy. While ClickHouse is down the batch is retried with back-off and kept alive on the server
 * (`working()`), and the next batch fills only up to its limits.
 *
 * Batches adapt to the traffic; one insert runs at a time while the next batch fills (two only at a backlog's end):
 * - light traffic: a batch is inserted when it reaches `batchMaxSize` rows or is `batchMaxWaitMs` old, as before;
 * - a backlog (an insert started from a full batch): while an insert runs, everything that arrives goes into the
 *   next batch, inserted as soon as the running one ends if it reached `batchMaxSize` — it may have grown to
 *   `batchBacklogMaxSize` rows or `batchMaxBytes`, where consumption waits for the running insert (memory stays
 *   bounded: one batch inserting, one filling, one pull). Near its end (what is still to come is no more than the
 *   batch holds) a batch of half `batchMaxSize` or more goes at once, so the last insert overlaps the decoding of the
 *   rest (measured: the time from the last envelope to all stored halved, ~35 → ~17 ms, decoding inline). When the
 *   consumers report nothing more pending on the server, what is left goes at once rather than after the wait, and
 *   the backlog ends.
 *
 * Two consumers feed the same batches: single events (`qraft.events.>`, `consume`) and envelopes (`qraft.batch.>`,
 * `fetch` bounded in bytes, since one message may hold a thousand events). An envelope's events always go into one
 * batch together, so its one ack follows the one insert that holds all of them; its invalid events are
 * dead-lettered (and its whole body, if it is refused as a whole) before that. Each event becomes its insert row
 * while it is decoded (its payload serialised once, for the size check and the row).
 */
export class Ingestor {
  private buffer: Batch = emptyBatch();
  private timer: NodeJS.Timeout | undefined;
  /** Settles when every running insert has ended: one at a time, or two at the very end of a backlog (see add()). */
  private inFlight: Promise<void> | undefined;
  /** How many inserts are running. */
  private inserts = 0;
  /** The last insert started from a full batch, or continued one: a backlog is being worked off. */
  private backlog = false;
  /** The last message each consumer handed over; its `info.pending` says how many still wait on the server. */
  private lastEventMsg: JsMsg | undefined;
  private lastEnvelopeMsg: JsMsg | undefined;
  private ingestedAtSecond = -1;
  private ingestedAtText = '';
  private messages: ConsumerMessages | undefined;
  private envelopeMessages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;
  private stopping = false;
  /** Aborted when stop() begins: ends the consumers' retry waits, which may be on a NATS that is gone. */
  private readonly stopSignal = new AbortController();
  /** Aborts in-flight insert retries when shutdown runs out of time; those messages stay unacked for redelivery. */
  private readonly abort = new AbortController();
  private lastErrorText: string | undefined;
  /** Envelopes handed to the decoder and not yet added to a batch. */
  private decodesAhead = 0;

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

  /** Stops taking messages, inserts and acks what it holds; gives up (leaving them for redelivery) at `deadline`. */
  async stop(timeoutMs: number): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.stopSignal.abort();
    const deadline = setTimeout(() => this.abort.abort(new Error(`shutdown timeout of ${timeoutMs} ms reached`)), timeoutMs);
    deadline.unref();
    try {
      this.messages?.stop();
      this.envelopeMessages?.stop();
      // The loop may be waiting on a NATS that is gone; the deadline ends that wait too.
      await Promise.race([this.loop, once(this.abort.signal, 'abort')]);
      await this.flush('stop');
      while (this.inFlight) await this.inFlight;
      await this.options.bus.flush();
    } finally {
      clearTimeout(deadline);
    }
  }

  private async run(): Promise<void> {
    const { logger } = this.options;
    let delayMs = 250;
    while (!this.stopping) {
      try {
        const consumer = await this.untilStopped(this.options.bus.consumer());
        if (!consumer) break;
        // Pull ahead of the batch being inserted, but never more than two batches unacknowledged here.
        this.messages = await consumer.consume({ max_messages: this.options.batchMaxSize * 2 });
        if (this.stopping) this.messages.stop();
        delayMs = 250;
        let n = 0;
        for await (const msg of this.messages) {
          await this.accept(msg);
          if (++n % EVENTS_PER_TURN === 0 && this.inFlight) await nextTurn();
        }
      } catch (error) {
        if (this.stopping) break;
        logger.warn({ err: error, retryInMs: delayMs }, 'event consumer stopped; re-creating it');
        await this.beforeRetry(delayMs);
        delayMs = Math.min(delayMs * 2, 5_000);
      }
    }
  }

  /**
   * Envelopes: one fetch at a time, bounded in bytes (at least two of the largest message the server takes, so
   * any envelope, even one over QRAFT_ENVELOPE_MAX_BYTES that must be dead-lettered, can be fetched). What is held
   * is then at most one fetch plus the batches — `consume` would keep pulling while a batch waits on ClickHouse.
   * (Sending the next fetch while one is read was measured and not kept: ingest-only was no faster inline and
   * slower with a decode worker.) Each envelope goes to the decoder as it arrives, up to DECODE_AHEAD ahead; the
   * decoded ones are added to the batch strictly in the order they arrived, so batches, acks and dead letters are
   * as with inline decoding.
   */
  private async runEnvelopes(): Promise<void> {
    const { logger } = this.options;
    let delayMs = 250;
    while (!this.stopping) {
      const ahead: Array<Promise<void>> = [];
      let last: Promise<void> = Promise.resolve();
      let failure: { error: unknown } | undefined;
      try {
        const consumer = await this.untilStopped(this.options.bus.envelopeConsumer());
        if (!consumer) break;
        const maxBytes = Math.max(4 * this.options.envelopeMaxBytes, 2 * this.options.bus.maxPayload) + 65_536;
        while (!this.stopping) {
          this.envelopeMessages = await consumer.fetch({ max_bytes: maxBytes, expires: ENVELOPE_FETCH_EXPIRES_MS });
          if (this.stopping) this.envelopeMessages.stop();
          try {
            for await (const msg of this.envelopeMessages) {
              const decoding = this.options.decoder.decode(msg.data, this.ingestedAt());
              const previous = last;
              this.decodesAhead++;
              last = (async () => {
                await previous;
                let decoded: EnvelopeRows;
                try {
                  decoded = await decoding;
                } finally {
                  this.decodesAhead--;
                }
                if (!failure) await this.acceptEnvelope(msg, decoded);
              })().catch((error: unknown) => {
                failure ??= { error };
              });
              ahead.push(last);
              if (ahead.length >= DECODE_AHEAD) await ahead.shift();
              if (failure) throw failure.error;
              if (this.inFlight) await nextTurn();
            }
          } catch (error) {
            // A fetch that ends because its byte budget is used up is not a failure: fetch again.
            if (!/exceeds maxbytes/i.test((error as Error).message ?? '')) throw error;
          }
          delayMs = 250;
        }
        await last;
        if (failure) throw failure.error;
      } catch (error) {
        // Envelopes decoded ahead are added (or, after a failure, skipped and left unacked) before anything else.
        await last;
        if (this.stopping) break;
        logger.warn({ err: error, retryInMs: delayMs }, 'envelope consumer stopped; re-creating it');
        await this.beforeRetry(delayMs);
        delayMs = Math.min(delayMs * 2, 5_000);
      }
    }
  }

  /**
   * `work`, or undefined as soon as stop() begins. For the consumers' waits on NATS (looking a consumer up, making the
   * topology again): with NATS unreachable their requests wait out a 10 s timeout, which would hold a SIGTERM past the
   * engine's stop grace period, and the app would be killed with its batch unflushed.
   */
  private async untilStopped<T>(work: Promise<T>): Promise<T | undefined> {
    const signal = this.stopSignal.signal;
    if (signal.aborted) return undefined;
    return new Promise<T | undefined>((resolve, reject) => {
      const stopped = () => resolve(undefined);
      signal.addEventListener('abort', stopped, { once: true });
      work.then(resolve, reject).finally(() => signal.removeEventListener('abort', stopped));
    });
  }

  /** Between a consumer's failure and its next try: the topology made again (a restarted NATS may have lost it), a pause. */
  private async beforeRetry(delayMs: number): Promise<void> {
    await this.untilStopped(this.options.bus.ensureTopology().catch(() => undefined));
    await sleep(delayMs, undefined, { signal: this.stopSignal.signal }).catch(() => undefined);
  }

  private async accept(msg: JsMsg): Promise<void> {
    const result = decodeEvent(msg.data, this.options.eventMaxBytes);
    this.lastEventMsg = msg;
    if (!result.ok) {
      await this.rejectMessage(msg, result.reason, result.detail);
      return;
    }
    await this.add(validatedEventRow(result.event, result.payloadJson, result.timestampMs, this.ingestedAt()), 1, msg, false, result.event.timestamp);
  }

  private async acceptEnvelope(msg: JsMsg, result: EnvelopeRows): Promise<void> {
    const { metrics, logger, bus } = this.options;
    this.lastEnvelopeMsg = msg;
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
    if (result.count === 0) {
      // Every event was dead-lettered: nothing to insert.
      msg.ack();
      metrics.envelopesIngested.inc();
      return;
    }
    await this.add(result.rows, result.count, msg, true, result.newest);
  }

  /** `ingested_at` as DateTime text, formatted once a second rather than once an event. */
  private ingestedAt(): string {
    const now = Date.now();
    const second = Math.floor(now / 1_000);
    if (second !== this.ingestedAtSecond) {
      this.ingestedAtSecond = second;
      this.ingestedAtText = sqlDateTime(now);
    }
    return this.ingestedAtText;
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

  /**
   * Adds one message's rows (`count` of them: text, or already encoded) to the batch; a batch at its limits first
   * waits for the running insert.
   */
  private async add(rows: string | Uint8Array, count: number, msg: JsMsg, envelope: boolean, newest: string): Promise<void> {
    const o = this.options;
    const bytes = msg.data.byteLength;
    if (this.buffer.msgs.length > 0 && (this.buffer.rows + count > o.batchBacklogMaxSize || this.buffer.bytes + bytes > o.batchMaxBytes)) {
      await this.flush('limit');
    }
    const batch = this.buffer;
    if (typeof rows === 'string') batch.text += rows;
    else batch.chunks.push(rows);
    if (batch.text.length >= CHUNK_CHARS) {
      batch.chunks.push(Buffer.from(batch.text));
      batch.text = '';
    }
    batch.rows += count;
    batch.msgs.push(msg);
    batch.bytes += bytes;
    if (newest > batch.newest) batch.newest = newest;
    if (envelope) batch.envelopes++;
    if (batch.rows >= o.batchBacklogMaxSize || batch.bytes >= o.batchMaxBytes) {
      await this.flush('limit');
    } else if (!this.inFlight && batch.rows >= o.batchMaxSize) {
      this.startInsert('size');
    } else if (!this.inFlight && this.backlog && !this.morePending()) {
      // The end of a backlog: nothing more is waiting, so the rest need not wait for the timer.
      this.startInsert('backlog');
    } else if (this.backlog && batch.rows * 2 >= o.batchMaxSize && this.inserts < (this.morePending() ? 1 : 2) && this.remainingMessages() <= batch.msgs.length) {
      // Near the end of a backlog, what is left is no more than this batch holds: it goes now, so its insert runs while
      // the rest is decoded and the last insert is at most this size instead of a whole batch alone once everything
      // is decoded. When nothing more is coming, it may go beside a running insert (two at most). Acks still follow
      // each message's own insert. Only half a batch or more, so a rate the app just keeps up with does not turn into
      // many small inserts.
      this.startInsert('tail');
    } else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush('wait'), o.batchMaxWaitMs);
    }
  }

  /**
   * Messages still to come as far as the consumers can tell (an estimate, never below what is known): envelopes being
   * decoded ahead, messages fetched and not yet read, and what the server held when the last ones were delivered.
   */
  private remainingMessages(): number {
    return (
      this.decodesAhead +
      (this.envelopeMessages?.getPending() ?? 0) +
      (this.messages?.getPending() ?? 0) +
      (this.lastEnvelopeMsg?.info.pending ?? 0) +
      (this.lastEventMsg?.info.pending ?? 0)
    );
  }

  /** Whether either consumer's server side still holds messages for it (read only when needed: parsing `info` costs). */
  private morePending(): boolean {
    return this.decodesAhead > 0 || (this.lastEventMsg?.info.pending ?? 0) > 0 || (this.lastEnvelopeMsg?.info.pending ?? 0) > 0;
  }

  /** Inserts the batch being filled once no insert is running (unless another caller started it meanwhile). */
  private async flush(trigger: FlushTrigger): Promise<void> {
    const batch = this.buffer;
    while (this.inFlight) {
      await this.inFlight;
      if (this.buffer !== batch) return;
    }
    this.startInsert(trigger);
  }

  /**
   * Starts inserting the batch being filled; the caller has made sure no insert is running, or (`tail`) that one
   * runs and nothing more is coming.
   */
  private startInsert(trigger: FlushTrigger): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buffer;
    if (batch.msgs.length === 0) return;
    this.buffer = emptyBatch();
    // A full batch starts or continues a backlog; a smaller one continues it while the consumers report more pending.
    this.backlog = batch.rows >= this.options.batchMaxSize || trigger === 'limit' || trigger === 'tail' || (trigger === 'backlog' && this.morePending());
    this.options.metrics.batchFlushes.inc({ trigger });
    this.inserts++;
    const insert = this.insertAndAck(batch)
      .catch((error: unknown) => this.options.logger.error({ err: error }, 'batch insert ended unexpectedly; its messages stay unacknowledged'))
      .finally(() => this.inserts--);
    const running = this.inFlight ? Promise.all([this.inFlight, insert]).then(() => undefined) : insert;
    const settled: Promise<void> = running.finally(() => {
      // Joined by a tail insert: what follows waits until that one has ended too.
      if (this.inFlight !== settled) return;
      this.inFlight = undefined;
      // The batch that filled during this insert goes at once when it is full (however far past QRAFT_BATCH_MAX_SIZE
      // it grew), or — the end of a backlog — when nothing more waits on the server. A smaller one under a backlog
      // keeps filling: add() starts it at QRAFT_BATCH_MAX_SIZE (measured: starting every small remainder at once made
      // five times as many inserts and doubled clickhouse-server's CPU).
      if (this.buffer.msgs.length === 0) this.backlog &&= this.morePending();
      else if (this.buffer.rows >= this.options.batchMaxSize) this.startInsert('backlog');
      else if (this.backlog && !this.morePending()) this.startInsert('backlog');
    });
    this.inFlight = settled;
  }

  private async insertAndAck(batch: Batch): Promise<void> {
    const { store, metrics, logger } = this.options;
    const started = process.hrtime.bigint();
    // Keep the messages ours on the server while an insert is retried, so they are not handed out again — those of
    // the batch filling meanwhile too.
    const keepAlive = setInterval(() => {
      for (const m of batch.msgs) m.working();
      for (const m of this.buffer.msgs) m.working();
    }, Math.max(500, this.options.ackWaitMs / 3));
    try {
      const chunks = batchChunks(batch);
      await retryUntilDone(() => store.insertRowChunks(chunks), {
        signal: this.abort.signal,
        initialDelayMs: 200,
        maxDelayMs: 5_000,
        onFailure: (error, attempt, retryInMs) => {
          metrics.insertFailures.inc();
          metrics.clickhouseConnected.set(0);
          this.lastErrorText = `ClickHouse insert failing: ${(error as Error).message}`;
          logger.warn({ err: error, attempt, retryInMs, batchSize: batch.rows }, 'ClickHouse insert failed; holding the batch unacknowledged and retrying');
        },
      });
    } catch (error) {
      logger.error({ err: error, batchSize: batch.rows }, 'gave up inserting a batch at shutdown; it stays unacknowledged and will be redelivered');
      return;
    } finally {
      clearInterval(keepAlive);
    }
    for (const m of batch.msgs) m.ack();
    this.lastErrorText = undefined;
    metrics.clickhouseConnected.set(1);
    metrics.eventsIngested.inc(batch.rows);
    if (batch.newest !== '') metrics.pipeline.stored([{ timestamp: batch.newest }]);
    if (batch.envelopes > 0) metrics.envelopesIngested.inc(batch.envelopes);
    metrics.batchSize.observe(batch.rows);
    metrics.batchBytes.observe(batch.bytes);
    metrics.batchInsertDuration.observe(Number(process.hrtime.bigint() - started) / 1e9);
    logger.debug({ batchSize: batch.rows, bytes: batch.bytes }, 'batch inserted and acknowledged');
  }
}

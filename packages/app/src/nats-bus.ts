import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType, type Consumer, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { createHash } from 'node:crypto';
import { envelopeSubject, eventSubject, type QraftEvent, type RejectReason } from './event';
import { JetStreamPublisher } from './jetstream-publisher';
import { retryUntilDone } from './retry';
import { logsAttempt, STARTUP_RETRY, startupAttemptTimeoutMs } from './startup-attempts';

export const EVENTS_SUBJECTS = 'qraft.events.>';
/** Batch envelopes: a JSON array of events per message, consumed by a durable consumer of their own. */
export const ENVELOPE_SUBJECTS = 'qraft.batch.>';
/** The envelope consumer's name is the event consumer's plus this. */
export const ENVELOPE_CONSUMER_SUFFIX = '-batch';
/** Subject of the envelopes `POST /events` publishes. */
export const HTTP_ENVELOPE_SUBJECT = envelopeSubject('http');
export const DEAD_LETTER_STREAM = 'QRAFT_DEADLETTER';
export const DEAD_LETTER_SUBJECTS = 'qraft.deadletter.>';
/** Dead letters wait a week for someone to look at them. */
const DEAD_LETTER_MAX_AGE_MS = 7 * 86_400_000;
const NANOS_PER_MS = 1_000_000;
/** JetStream publishes in flight at once on the app's connection (all HTTP requests together). */
const PUBLISH_WINDOW = 4_096;
const PUBLISH_TIMEOUT_MS = 10_000;

export interface NatsBusOptions {
  readonly url: string;
  readonly user?: string;
  readonly password?: string;
  /** Prefix of the connection's reply subjects (its NATS permissions allow subscribing only there). */
  readonly inboxPrefix?: string;
  readonly streamName: string;
  readonly consumerName: string;
  readonly duplicateWindowMs: number;
  readonly ackWaitMs: number;
  /** Unacknowledged messages the consumer may hand out; must exceed one batch. */
  readonly maxAckPending: number;
  readonly logger: Logger;
  readonly signal?: AbortSignal;
  readonly onConnectionChange?: (connected: boolean) => void;
  /** Each failed attempt of the first connect, with its error (before it the app only knows it is connecting). */
  readonly onConnectFailure?: (error: unknown) => void;
}

export function deadLetterSubject(reason: RejectReason): string {
  return `qraft.deadletter.${reason}`;
}

/**
 * `Nats-Msg-Id` of an envelope: a hash of its sorted event ids, so the same events published again (a retried
 * request) are dropped by JetStream's duplicate window whatever their order.
 */
export function envelopeMsgId(events: readonly QraftEvent[]): string {
  const hash = createHash('sha256');
  for (const id of events.map((e) => e.id).sort()) hash.update(id).update('\n');
  return `env-${hash.digest('hex').slice(0, 40)}`;
}

/** Where one event of an envelope came from, for its dead letter. */
export interface EnvelopePosition {
  readonly streamSequence: number;
  readonly index: number;
}

/** The app's NATS side: one connection, the JetStream streams, the durable pull consumer, publishing. */
export class NatsBus {
  private readonly publisher: JetStreamPublisher;
  private isConnected = false;

  private constructor(
    readonly connection: NatsConnection,
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
    private readonly options: NatsBusOptions,
  ) {
    this.publisher = new JetStreamPublisher(connection, { window: PUBLISH_WINDOW, timeoutMs: PUBLISH_TIMEOUT_MS, inboxPrefix: options.inboxPrefix });
  }

  /** Connects, retrying until the server is there (or `signal` aborts); afterwards the client reconnects forever. */
  static async connect(options: NatsBusOptions): Promise<NatsBus> {
    const connection = await retryUntilDone(
      (attempt) =>
        connect({
          servers: options.url,
          name: 'qraft-app',
          ...(options.user !== undefined ? { user: options.user, pass: options.password } : {}),
          ...(options.inboxPrefix !== undefined ? { inboxPrefix: options.inboxPrefix } : {}),
          maxReconnectAttempts: -1,
          reconnectTimeWait: 1_000,
          timeout: startupAttemptTimeoutMs(attempt),
        }),
      {
        ...STARTUP_RETRY,
        signal: options.signal,
        onFailure: (error, attempt, delayMs) => {
          options.onConnectFailure?.(error);
          if (!logsAttempt(attempt)) return;
          if ((error as Error)?.name === 'AuthorizationError') {
            options.logger.error(
              { err: error, attempt, retryInMs: delayMs, url: options.url, user: options.user },
              `NATS refused ${options.user ? `user "${options.user}"` : 'a client without credentials'} — check QRAFT_NATS_USER and QRAFT_NATS_PASSWORD_FILE; retrying`,
            );
          } else options.logger.warn({ err: error, attempt, retryInMs: delayMs, url: options.url }, 'NATS not reachable yet; retrying');
        },
      },
    );
    const jsm = await jetstreamManager(connection, { timeout: 10_000 });
    const bus = new NatsBus(connection, jetstream(connection, { timeout: 10_000 }), jsm, options);
    bus.followStatus();
    return bus;
  }

  /** Whether the client holds a connection now (false while it reconnects, and once closed). */
  get connected(): boolean {
    return this.isConnected;
  }

  /** Keeps `connected` (and the owner, through onConnectionChange) up to date, and logs disconnects. */
  private followStatus(): void {
    const { connection, options } = this;
    const change = (connected: boolean) => {
      this.isConnected = connected;
      options.onConnectionChange?.(connected);
    };
    change(true);
    void (async () => {
      for await (const status of connection.status()) {
        if (status.type === 'disconnect') {
          change(false);
          options.logger.warn({ server: status.server }, 'NATS disconnected; reconnecting');
        } else if (status.type === 'reconnect') {
          change(true);
          options.logger.info({ server: status.server }, 'NATS reconnected');
        }
      }
    })();
    void connection.closed().then(() => change(false));
  }

  /** Creates or updates the event and dead-letter streams and the durable consumer; safe to call again. */
  async ensureTopology(): Promise<void> {
    const o = this.options;
    await this.ensureStream({
      name: o.streamName,
      subjects: [EVENTS_SUBJECTS, ENVELOPE_SUBJECTS],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      duplicate_window: o.duplicateWindowMs * NANOS_PER_MS,
    });
    await this.ensureStream({
      name: DEAD_LETTER_STREAM,
      subjects: [DEAD_LETTER_SUBJECTS],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      max_age: DEAD_LETTER_MAX_AGE_MS * NANOS_PER_MS,
    });
    await this.ensureConsumer(o.consumerName, EVENTS_SUBJECTS);
    await this.ensureConsumer(this.envelopeConsumerName, ENVELOPE_SUBJECTS);
  }

  get envelopeConsumerName(): string {
    return `${this.options.consumerName}${ENVELOPE_CONSUMER_SUFFIX}`;
  }

  private async ensureConsumer(name: string, filterSubject: string): Promise<void> {
    const o = this.options;
    const consumer = {
      durable_name: name,
      ack_policy: AckPolicy.Explicit,
      ack_wait: o.ackWaitMs * NANOS_PER_MS,
      max_ack_pending: o.maxAckPending,
      deliver_policy: DeliverPolicy.All,
      filter_subject: filterSubject,
    };
    const existing = await this.jsm.consumers.info(o.streamName, name).catch(() => undefined);
    if (existing) {
      await this.jsm.consumers.update(o.streamName, name, { ack_wait: consumer.ack_wait, max_ack_pending: consumer.max_ack_pending });
    } else {
      await this.jsm.consumers.add(o.streamName, consumer);
    }
  }

  private async ensureStream(config: { name: string; subjects: string[]; storage: StorageType; retention: RetentionPolicy; duplicate_window?: number; max_age?: number }): Promise<void> {
    const existing = await this.jsm.streams.info(config.name).catch(() => undefined);
    if (existing) await this.jsm.streams.update(config.name, config);
    else await this.jsm.streams.add(config);
  }

  /** Why the topology is not usable yet, or undefined when the stream and the consumer are both there. */
  async topologyProblem(): Promise<string | undefined> {
    const o = this.options;
    try {
      await this.jsm.streams.info(o.streamName);
    } catch (error) {
      return `stream ${o.streamName} is not available: ${(error as Error).message}`;
    }
    for (const name of [o.consumerName, this.envelopeConsumerName]) {
      try {
        await this.jsm.consumers.info(o.streamName, name);
      } catch (error) {
        return `consumer ${name} on ${o.streamName} is not available: ${(error as Error).message}`;
      }
    }
    return undefined;
  }

  /** The durable consumer of single-event messages (`qraft.events.>`). */
  consumer(): Promise<Consumer> {
    return this.js.consumers.get(this.options.streamName, this.options.consumerName);
  }

  /** The durable consumer of envelopes (`qraft.batch.>`). */
  envelopeConsumer(): Promise<Consumer> {
    return this.js.consumers.get(this.options.streamName, this.envelopeConsumerName);
  }

  /** The largest message the server takes (its `max_payload`), or 1 MiB when it did not say. */
  get maxPayload(): number {
    return this.connection.info?.max_payload ?? 1_048_576;
  }

  /** Stores one event in JetStream; its id is the message id, so a repeated publish inside the window is dropped. */
  async publishEvent(event: QraftEvent): Promise<{ duplicate: boolean }> {
    const ack = await this.publisher.publish({ subject: eventSubject(event.type), data: JSON.stringify(event), msgId: event.id });
    return { duplicate: ack.duplicate };
  }

  /**
   * Stores the events in JetStream, pipelined (see JetStreamPublisher); resolves once every one is acknowledged
   * (stored, or a duplicate of a stored id), rejects if any is not — retrying the same events is then safe.
   */
  async publishEvents(events: readonly QraftEvent[]): Promise<Array<{ duplicate: boolean }>> {
    const acks = await this.publisher.publishAll(events.map((e) => ({ subject: eventSubject(e.type), data: JSON.stringify(e), msgId: e.id })));
    return acks.map((a) => ({ duplicate: a.duplicate }));
  }

  /**
   * Stores the events as envelopes on `subject` (one message each; `Nats-Msg-Id` from envelopeMsgId), pipelined;
   * resolves once every envelope is acknowledged, rejects if any is not — retrying the same envelopes is then safe.
   */
  async publishEnvelopes(envelopes: ReadonlyArray<{ readonly events: readonly QraftEvent[]; readonly data: string }>, subject = HTTP_ENVELOPE_SUBJECT): Promise<Array<{ duplicate: boolean }>> {
    const acks = await this.publisher.publishAll(envelopes.map((e) => ({ subject, data: e.data, msgId: envelopeMsgId(e.events) })));
    return acks.map((a) => ({ duplicate: a.duplicate }));
  }

  /**
   * Stores a refused message on `qraft.deadletter.<reason>` with the reason in headers and the original body.
   * For one event of an envelope, `envelope` adds `Qraft-Envelope-Index` and `Qraft-Envelope-Seq` and a
   * `Nats-Msg-Id`, so a redelivered envelope does not dead-letter the same event twice inside the window.
   */
  async deadLetter(reason: RejectReason, detail: string, subject: string, data: Uint8Array | string, envelope?: EnvelopePosition): Promise<void> {
    const h = headers();
    h.set('Qraft-Reason', reason);
    h.set('Qraft-Detail', detail.slice(0, 1_000).replace(/[\r\n]+/g, ' '));
    h.set('Qraft-Original-Subject', subject);
    let msgID: string | undefined;
    if (envelope) {
      h.set('Qraft-Envelope-Index', String(envelope.index));
      h.set('Qraft-Envelope-Seq', String(envelope.streamSequence));
      msgID = `dl-${this.options.streamName}-${envelope.streamSequence}-${envelope.index}`;
    }
    await this.js.publish(deadLetterSubject(reason), data, { headers: h, msgID });
  }

  /** Until what was published or acked has reached the server; while reconnecting there is none to wait for. */
  async flush(): Promise<void> {
    if (this.connected) await this.connection.flush().catch(() => undefined);
  }

  /**
   * Drains the connection: what was published or acked is sent first. While reconnecting there is no server to send it
   * to (a drain would wait for one), so the connection is closed: unacked messages are redelivered to the next instance.
   */
  async drain(): Promise<void> {
    if (this.connection.isClosed()) return;
    if (!this.connected) await this.connection.close();
    else await this.connection.drain().catch(() => this.connection.close());
  }
}

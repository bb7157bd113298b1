import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType, type Consumer, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { eventSubject, type QraftEvent, type RejectReason } from './event';
import { JetStreamPublisher } from './jetstream-publisher';
import { retryUntilDone } from './retry';

export const EVENTS_SUBJECTS = 'qraft.events.>';
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
  readonly streamName: string;
  readonly consumerName: string;
  readonly duplicateWindowMs: number;
  readonly ackWaitMs: number;
  /** Unacknowledged messages the consumer may hand out; must exceed one batch. */
  readonly maxAckPending: number;
  readonly logger: Logger;
  readonly signal?: AbortSignal;
  readonly onConnectionChange?: (connected: boolean) => void;
}

export function deadLetterSubject(reason: RejectReason): string {
  return `qraft.deadletter.${reason}`;
}

/** The app's NATS side: one connection, the JetStream streams, the durable pull consumer, publishing. */
export class NatsBus {
  private readonly publisher: JetStreamPublisher;

  private constructor(
    readonly connection: NatsConnection,
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
    private readonly options: NatsBusOptions,
  ) {
    this.publisher = new JetStreamPublisher(connection, { window: PUBLISH_WINDOW, timeoutMs: PUBLISH_TIMEOUT_MS });
  }

  /** Connects, retrying until the server is there (or `signal` aborts); afterwards the client reconnects forever. */
  static async connect(options: NatsBusOptions): Promise<NatsBus> {
    const connection = await retryUntilDone(
      () => connect({ servers: options.url, name: 'qraft-app', maxReconnectAttempts: -1, reconnectTimeWait: 1_000, timeout: 5_000 }),
      {
        signal: options.signal,
        maxDelayMs: 2_000,
        onFailure: (error, attempt, delayMs) =>
          options.logger.warn({ err: error, attempt, retryInMs: delayMs, url: options.url }, 'NATS not reachable yet; retrying'),
      },
    );
    options.onConnectionChange?.(true);
    void (async () => {
      for await (const status of connection.status()) {
        if (status.type === 'disconnect') {
          options.onConnectionChange?.(false);
          options.logger.warn({ server: status.server }, 'NATS disconnected; reconnecting');
        } else if (status.type === 'reconnect') {
          options.onConnectionChange?.(true);
          options.logger.info({ server: status.server }, 'NATS reconnected');
        }
      }
    })();
    void connection.closed().then(() => options.onConnectionChange?.(false));
    const jsm = await jetstreamManager(connection, { timeout: 10_000 });
    return new NatsBus(connection, jetstream(connection, { timeout: 10_000 }), jsm, options);
  }

  /** Creates or updates the event and dead-letter streams and the durable consumer; safe to call again. */
  async ensureTopology(): Promise<void> {
    const o = this.options;
    await this.ensureStream({
      name: o.streamName,
      subjects: [EVENTS_SUBJECTS],
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
    const consumer = {
      durable_name: o.consumerName,
      ack_policy: AckPolicy.Explicit,
      ack_wait: o.ackWaitMs * NANOS_PER_MS,
      max_ack_pending: o.maxAckPending,
      deliver_policy: DeliverPolicy.All,
      filter_subject: EVENTS_SUBJECTS,
    };
    const existing = await this.jsm.consumers.info(o.streamName, o.consumerName).catch(() => undefined);
    if (existing) {
      await this.jsm.consumers.update(o.streamName, o.consumerName, { ack_wait: consumer.ack_wait, max_ack_pending: consumer.max_ack_pending });
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
    try {
      await this.jsm.consumers.info(o.streamName, o.consumerName);
    } catch (error) {
      return `consumer ${o.consumerName} on ${o.streamName} is not available: ${(error as Error).message}`;
    }
    return undefined;
  }

  consumer(): Promise<Consumer> {
    return this.js.consumers.get(this.options.streamName, this.options.consumerName);
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

  /** Stores a refused message on `qraft.deadletter.<reason>` with the reason in headers and the original body. */
  async deadLetter(reason: RejectReason, detail: string, subject: string, data: Uint8Array): Promise<void> {
    const h = headers();
    h.set('Qraft-Reason', reason);
    h.set('Qraft-Detail', detail.slice(0, 1_000).replace(/[\r\n]+/g, ' '));
    h.set('Qraft-Original-Subject', subject);
    await this.js.publish(deadLetterSubject(reason), data, { headers: h });
  }

  async drain(): Promise<void> {
    if (!this.connection.isClosed()) await this.connection.drain().catch(() => this.connection.close());
  }
}

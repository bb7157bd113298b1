import { createInbox, headers, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';

/** What JetStream answers for a stored message. */
export interface PublishAck {
  readonly stream: string;
  readonly seq: number;
  /** The `Nats-Msg-Id` was seen inside the stream's duplicate window: not stored again. */
  readonly duplicate: boolean;
}

export interface PublishItem {
  readonly subject: string;
  readonly data: string | Uint8Array;
  /** Becomes `Nats-Msg-Id`, JetStream's publish dedupe key. */
  readonly msgId?: string;
}

interface Waiting {
  readonly resolve: (ack: PublishAck) => void;
  readonly reject: (error: Error) => void;
  readonly deadline: number;
}

/** A JetStream publish was refused, not answered in time, or nothing stores the subject. */
export class PublishError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PublishError';
  }
}

/**
 * Acknowledged JetStream publishing with many publishes in flight (what the Go client calls PublishAsync).
 *
 * `js.publish` of @nats-io/jetstream is a request per message: a mux entry, a timer and — even with
 * `noAsyncTraces` — an `Error` built per call; measured here that is ~30 µs of CPU per message, several times what
 * nats-server spends storing it. This sends plain core publishes with a reply subject under one wildcard inbox
 * subscription and matches the acks by token; one sweep timer enforces the timeouts. Every promise still settles
 * only on JetStream's ack (stored, or duplicate), a JetStream error, no responders, a timeout, or the connection
 * closing — the guarantees of `js.publish`, without its per-message cost. At most `window` publishes are in flight.
 */
export class JetStreamPublisher {
  private readonly prefix: string;
  private subscription: Subscription | undefined;
  private readonly waiting = new Map<string, Waiting>();
  private sequence = 0;
  private sweep: NodeJS.Timeout | undefined;
  private slotWaiters: Array<() => void> = [];

  constructor(
    private readonly connection: NatsConnection,
    private readonly options: { readonly window: number; readonly timeoutMs: number; readonly inboxPrefix?: string },
  ) {
    // The connection's own inbox prefix: its permissions may allow subscribing nowhere else.
    this.prefix = `${createInbox(options.inboxPrefix)}.`;
    void connection.closed().then(() => this.failAll(new PublishError('NATS connection closed before JetStream acknowledged the publish')));
  }

  get inFlight(): number {
    return this.waiting.size;
  }

  /** Publishes one message; resolves on JetStream's ack. */
  async publish(item: PublishItem): Promise<PublishAck> {
    while (this.waiting.size >= this.options.window) await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
    return this.send(item);
  }

  /**
   * Publishes all, pipelined inside the window; resolves with the acks in order, rejects with the first failure.
   * `items` may be made as they are taken (a generator): each is sent before the next is made.
   */
  async publishAll(items: Iterable<PublishItem>): Promise<PublishAck[]> {
    const acks: Array<Promise<PublishAck>> = [];
    for (const item of items) {
      while (this.waiting.size >= this.options.window) await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
      const ack = this.send(item);
      // A failure is reported by Promise.all below; this only keeps an early one from being "unhandled".
      ack.catch(() => undefined);
      acks.push(ack);
    }
    return Promise.all(acks);
  }

  private send(item: PublishItem): Promise<PublishAck> {
    if (this.connection.isClosed()) return Promise.reject(new PublishError('NATS connection is closed'));
    this.listen();
    const token = (this.sequence++).toString(36);
    const promise = new Promise<PublishAck>((resolve, reject) => {
      this.waiting.set(token, { resolve, reject, deadline: Date.now() + this.options.timeoutMs });
    });
    let h;
    if (item.msgId !== undefined) {
      h = headers();
      h.set('Nats-Msg-Id', item.msgId);
    }
    try {
      this.connection.publish(item.subject, item.data, { reply: this.prefix + token, headers: h });
    } catch (error) {
      this.settle(token, (w) => w.reject(new PublishError(`publish to ${item.subject} failed: ${(error as Error).message}`)));
    }
    this.sweep ??= setInterval(() => this.expire(), Math.min(1_000, this.options.timeoutMs)).unref();
    return promise;
  }

  private listen(): void {
    if (this.subscription) return;
    this.subscription = this.connection.subscribe(`${this.prefix}*`, { callback: (_error, msg) => this.onAck(msg) });
  }

  private onAck(msg: Msg): void {
    const token = msg.subject.slice(this.prefix.length);
    this.settle(token, (w) => {
      if (msg.data.length === 0 && msg.headers?.code === 503) {
        w.reject(new PublishError('no JetStream stream stores this subject (no responders)'));
        return;
      }
      let answer: { stream?: string; seq?: number; duplicate?: boolean; error?: { code?: number; description?: string } };
      try {
        answer = msg.json();
      } catch (error) {
        w.reject(new PublishError(`JetStream answered with something that is not JSON: ${(error as Error).message}`));
        return;
      }
      if (answer.error || typeof answer.stream !== 'string' || answer.stream === '') {
        w.reject(new PublishError(`JetStream refused the message: ${answer.error?.description ?? 'invalid ack'} (${answer.error?.code ?? '?'})`));
        return;
      }
      w.resolve({ stream: answer.stream, seq: answer.seq ?? 0, duplicate: answer.duplicate === true });
    });
  }

  private settle(token: string, action: (w: Waiting) => void): void {
    const w = this.waiting.get(token);
    if (!w) return; // timed out already, or an ack for an earlier connection's publisher
    this.waiting.delete(token);
    action(w);
    this.release();
  }

  private release(): void {
    while (this.slotWaiters.length > 0 && this.waiting.size < this.options.window) this.slotWaiters.shift()!();
    if (this.waiting.size === 0 && this.sweep) {
      clearInterval(this.sweep);
      this.sweep = undefined;
    }
  }

  private expire(): void {
    const now = Date.now();
    let error: PublishError | undefined;
    for (const [token, w] of this.waiting) {
      if (w.deadline > now) continue;
      error ??= new PublishError(`JetStream did not acknowledge the publish within ${this.options.timeoutMs} ms`);
      this.waiting.delete(token);
      w.reject(error);
    }
    this.release();
  }

  private failAll(error: Error): void {
    for (const w of this.waiting.values()) w.reject(error);
    this.waiting.clear();
    this.release();
    for (const wake of this.slotWaiters.splice(0)) wake();
  }
}

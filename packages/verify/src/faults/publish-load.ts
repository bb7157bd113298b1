import { setTimeout as sleep } from 'node:timers/promises';

/** One event of the load, as it is published (and as the app stores it). */
export interface LoadEvent {
  readonly id: string;
  readonly type: string;
  readonly source: string;
  readonly timestamp: string;
  readonly payload: { readonly seq: number; readonly channel: string };
}

/** Publishes one event; resolves once the receiver acknowledged it (PubAck, HTTP 202), rejects otherwise. */
export type SendEvent = (event: LoadEvent, timeoutMs: number) => Promise<void>;

/** A way in (JetStream directly, the app's HTTP API) with its own rate. */
export interface LoadChannel {
  readonly name: string;
  readonly ratePerSecond: number;
  readonly send: SendEvent;
}

/** What happened to one event: how often it was tried and whether any attempt was acknowledged. */
export interface PublishedEvent {
  readonly id: string;
  readonly channel: string;
  attempts: number;
  acked: boolean;
  lastError?: string;
}

export interface PublishLoadInput {
  /** The event type every event of this load carries (the accounting queries by it). */
  readonly type: string;
  readonly channels: readonly LoadChannel[];
  /** Hard stop even if nobody calls stop() (default 600_000). */
  readonly maxDurationMs?: number;
  /** Events awaiting an answer at most; beyond it a tick launches nothing (default 500). */
  readonly maxInFlight?: number;
  /** Tries per event, each with the same id, so a retry after a lost ack is deduplicated (default 3). */
  readonly maxAttempts?: number;
  readonly attemptTimeoutMs?: number;
  readonly retryDelayMs?: number;
  readonly tickMs?: number;
  readonly newId?: () => string;
}

type PublishLoadOptions = Required<PublishLoadInput>;

const DEFAULTS = {
  maxDurationMs: 600_000,
  maxInFlight: 500,
  maxAttempts: 3,
  attemptTimeoutMs: 2_000,
  retryDelayMs: 250,
  tickMs: 100,
  newId: () => crypto.randomUUID(),
} as const;

/** Counts of a load so far. */
export interface LoadTotals {
  readonly published: number;
  readonly acknowledged: number;
  readonly inFlight: number;
}

/**
 * A steady, bounded publisher: each channel launches events at its rate (every event a fresh id) for at most
 * `maxDurationMs`, with at most `maxInFlight` unanswered. An event is retried with the same id until one attempt
 * is acknowledged or `maxAttempts` are spent. `stop()` ends launching and waits for the events still in flight.
 */
export class PublishLoad {
  private readonly options: PublishLoadOptions;
  private readonly events: PublishedEvent[] = [];
  private readonly pending = new Set<Promise<void>>();
  private readonly launched = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private seq = 0;
  private finished: Promise<readonly PublishedEvent[]> | undefined;

  constructor(input: PublishLoadInput) {
    this.options = { ...DEFAULTS, ...input };
    if (!/^[\w.-]+$/.test(this.options.type)) throw new TypeError(`event type "${this.options.type}" must be letters, digits, dots, dashes or underscores`);
    for (const c of this.options.channels) {
      if (!(c.ratePerSecond > 0)) throw new TypeError(`channel ${c.name}: ratePerSecond must be positive, got ${c.ratePerSecond}`);
    }
  }

  start(): this {
    if (this.startedAt) throw new Error('the load is already running');
    this.startedAt = performance.now();
    this.timer = setInterval(() => this.tick(), this.options.tickMs);
    return this;
  }

  totals(): LoadTotals {
    return { published: this.events.length, acknowledged: this.events.filter((e) => e.acked).length, inFlight: this.pending.size };
  }

  /** Stops launching and resolves with every event once none is in flight any more. */
  stop(): Promise<readonly PublishedEvent[]> {
    this.finished ??= (async () => {
      if (this.timer) clearInterval(this.timer);
      this.timer = undefined;
      while (this.pending.size > 0) await Promise.all(this.pending);
      return this.events;
    })();
    return this.finished;
  }

  private tick(): void {
    const elapsedMs = performance.now() - this.startedAt;
    if (elapsedMs >= this.options.maxDurationMs) {
      void this.stop();
      return;
    }
    for (const channel of this.options.channels) {
      const due = Math.floor((elapsedMs / 1_000) * channel.ratePerSecond) - (this.launched.get(channel.name) ?? 0);
      for (let i = 0; i < due && this.pending.size < this.options.maxInFlight; i++) this.launch(channel);
    }
  }

  private launch(channel: LoadChannel): void {
    this.launched.set(channel.name, (this.launched.get(channel.name) ?? 0) + 1);
    const seq = this.seq++;
    const event: LoadEvent = {
      id: this.options.newId(),
      type: this.options.type,
      source: `qraft-faults-${channel.name}`,
      timestamp: new Date().toISOString(),
      payload: { seq, channel: channel.name },
    };
    const record: PublishedEvent = { id: event.id, channel: channel.name, attempts: 0, acked: false };
    this.events.push(record);
    const done = this.publish(channel, event, record).finally(() => this.pending.delete(done));
    this.pending.add(done);
  }

  private async publish(channel: LoadChannel, event: LoadEvent, record: PublishedEvent): Promise<void> {
    const { maxAttempts, attemptTimeoutMs, retryDelayMs } = this.options;
    while (record.attempts < maxAttempts) {
      record.attempts++;
      try {
        await withTimeout(channel.send(event, attemptTimeoutMs), attemptTimeoutMs + 1_000);
        record.acked = true;
        delete record.lastError;
        return;
      } catch (error) {
        record.lastError = error instanceof Error ? error.message : String(error);
      }
      if (record.attempts < maxAttempts) await sleep(retryDelayMs);
    }
  }
}

/** Guards against a sender that ignores its own timeout: the attempt counts as failed after `ms`. */
async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryOptions {
  /** Stops the retrying; the pending call then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Called after each failed attempt with the error and the delay before the next one. */
  readonly onFailure?: (error: unknown, attempt: number, delayMs: number) => void;
}

/**
 * The one retry primitive: calls `attempt` until it resolves, with exponential back-off, forever or until
 * `signal` aborts. Each failure is swallowed (and reported to `onFailure`); only the abort rejects.
 */
export async function retryUntilDone<T>(attempt: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const maxDelayMs = options.maxDelayMs ?? 5_000;
  let delayMs = options.initialDelayMs ?? 100;
  for (let n = 1; ; n += 1) {
    options.signal?.throwIfAborted();
    try {
      return await attempt();
    } catch (error) {
      options.signal?.throwIfAborted();
      options.onFailure?.(error, n, delayMs);
      await sleep(delayMs, undefined, { signal: options.signal });
      delayMs = Math.min(delayMs * 2, maxDelayMs);
    }
  }
}

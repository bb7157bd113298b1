import type { Clock } from './clock';
import { retryUntil } from './retry-until';

export interface RetryUntilDoneOptions {
  /** Stops the retrying; the pending call then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Called after each failed attempt with the error and the delay before the next one. */
  readonly onFailure?: (error: unknown, attempt: number, delayMs: number) => void;
  readonly clock?: Clock;
}

/**
 * For a service that must get through start-up whatever the order its dependencies come in: calls `attempt`
 * (with its number, from 1) until it resolves, doubling the pause from `initialDelayMs` (100 ms) up to `maxDelayMs`
 * (5 s), with no deadline — only `signal` ends it. Each failure is swallowed and reported to `onFailure`.
 */
export function retryUntilDone<T>(attempt: (attempt: number) => Promise<T>, options: RetryUntilDoneOptions = {}): Promise<T> {
  const initialMs = options.initialDelayMs ?? 100;
  return retryUntil((_signal, n) => attempt(n), () => true, {
    timeoutMs: Number.POSITIVE_INFINITY,
    signal: options.signal,
    clock: options.clock,
    backoff: { initialMs, maxMs: Math.max(initialMs, options.maxDelayMs ?? 5_000), factor: 2, jitter: 0 },
    onRetry: (outcome, pauseMs) => options.onFailure?.(outcome.error, outcome.attempt, pauseMs),
  });
}

import type { Clock } from './clock';
import { retryUntil, type BackoffInput } from './retry-until';

/** Pauses for checks that wait on eventual facts (a scrape, a batch flush): 100 ms doubling up to 1 s. */
export const POLL_BACKOFF: Required<BackoffInput> = { initialMs: 100, maxMs: 1_000, factor: 2, jitter: 0 };

/**
 * Calls `attempt` until it returns a value other than `undefined` and returns that value; a throwing attempt
 * counts as "not yet". Throws one RetryTimeoutError at the deadline, naming `what` and the last reason.
 */
export function pollUntil<T>(
  what: string,
  attempt: () => Promise<T | undefined>,
  timeoutMs: number,
  options: { readonly backoff?: BackoffInput; readonly clock?: Clock } = {},
): Promise<T> {
  const backoff = { ...POLL_BACKOFF, ...options.backoff };
  return retryUntil(() => attempt(), (value) => value !== undefined, { timeoutMs, backoff, what, clock: options.clock }) as Promise<T>;
}

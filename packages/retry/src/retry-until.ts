import { systemClock, type Clock } from './clock';

export interface BackoffInput {
  /** First pause between attempts (default 25 ms). */
  readonly initialMs?: number;
  /** Longest pause (default 250 ms — it bounds how late a recovery is noticed). */
  readonly maxMs?: number;
  /** Growth per attempt (default 1.5). */
  readonly factor?: number;
  /** Random spread as a fraction of the pause, 0..1 (default 0.2 → ±20 %), so pollers do not march in step. */
  readonly jitter?: number;
}

export interface RetryOptionsInput {
  /** Overall deadline for all attempts together; `Infinity` retries until `signal` aborts. */
  readonly timeoutMs: number;
  /** Limit for one attempt; its AbortSignal fires then (default: whatever remains of the deadline). */
  readonly attemptTimeoutMs?: number;
  readonly backoff?: BackoffInput;
  readonly clock?: Clock;
  /** Stops retrying; retryUntil then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Source of randomness for jitter (default Math.random); tests pin it. */
  readonly random?: () => number;
  /** Called after every attempt, with its value or the error it was turned into. */
  readonly onAttempt?: (attempt: AttemptOutcome<unknown>) => void;
  /** Called before each pause with the attempt that did not satisfy the predicate and the pause that follows. */
  readonly onRetry?: (attempt: AttemptOutcome<unknown>, pauseMs: number) => void;
  /** Names the target in the timeout error: "nats did not ...". */
  readonly what?: string;
}

export interface RetryOptions {
  readonly timeoutMs: number;
  readonly attemptTimeoutMs: number;
  readonly backoff: Required<BackoffInput>;
  readonly clock: Clock;
  readonly signal: AbortSignal | undefined;
  readonly random: () => number;
  readonly onAttempt: (attempt: AttemptOutcome<unknown>) => void;
  readonly onRetry: (attempt: AttemptOutcome<unknown>, pauseMs: number) => void;
  readonly what: string;
}

export type AttemptOutcome<T> =
  | { readonly attempt: number; readonly value: T; readonly error?: undefined }
  | { readonly attempt: number; readonly value?: undefined; readonly error: unknown };

export const DEFAULT_BACKOFF: Required<BackoffInput> = { initialMs: 25, maxMs: 250, factor: 1.5, jitter: 0.2 };

/** Merges defaults and checks the invariants once, so the loop itself has nothing to validate. */
export function normalizeRetryOptions(input: RetryOptionsInput): RetryOptions {
  const backoff = { ...DEFAULT_BACKOFF, ...input.backoff };
  const problems: string[] = [];
  if (!(input.timeoutMs > 0)) problems.push(`timeoutMs must be > 0 (got ${input.timeoutMs})`);
  if (input.attemptTimeoutMs !== undefined && !(input.attemptTimeoutMs > 0)) {
    problems.push(`attemptTimeoutMs must be > 0 (got ${input.attemptTimeoutMs})`);
  }
  if (!(backoff.initialMs >= 0)) problems.push(`backoff.initialMs must be >= 0 (got ${backoff.initialMs})`);
  if (!(backoff.maxMs >= backoff.initialMs)) problems.push(`backoff.maxMs must be >= initialMs (got ${backoff.maxMs})`);
  if (!(backoff.factor >= 1)) problems.push(`backoff.factor must be >= 1 (got ${backoff.factor})`);
  if (!(backoff.jitter >= 0 && backoff.jitter <= 1)) problems.push(`backoff.jitter must be within 0..1 (got ${backoff.jitter})`);
  if (problems.length > 0) throw new RangeError(`retryUntil: ${problems.join('; ')}`);
  return {
    timeoutMs: input.timeoutMs,
    attemptTimeoutMs: input.attemptTimeoutMs ?? Number.POSITIVE_INFINITY,
    backoff,
    clock: input.clock ?? systemClock,
    signal: input.signal,
    random: input.random ?? Math.random,
    onAttempt: input.onAttempt ?? (() => undefined),
    onRetry: input.onRetry ?? (() => undefined),
    what: input.what ?? 'condition',
  };
}

/** The pause before attempt `attempt + 1` (attempt counts from 1). */
export function backoffDelay(attempt: number, backoff: Required<BackoffInput>, random: () => number): number {
  const base = Math.min(backoff.initialMs * backoff.factor ** (attempt - 1), backoff.maxMs);
  const spread = base * backoff.jitter * (2 * random() - 1);
  return Math.max(0, Math.min(backoff.maxMs, base + spread));
}

/** The one error retryUntil throws: the deadline passed. */
export class RetryTimeoutError<T = unknown> extends Error {
  constructor(
    readonly what: string,
    readonly waitedMs: number,
    readonly attempts: number,
    readonly last: AttemptOutcome<T> | undefined,
  ) {
    const lastText =
      last === undefined
        ? 'no attempt finished'
        : last.error !== undefined
          ? `last attempt failed: ${(last.error as Error)?.message ?? String(last.error)}`
          : 'last attempt did not satisfy the condition';
    super(`${what} was not satisfied within ${Math.round(waitedMs)} ms after ${attempts} attempts — ${lastText}`);
    this.name = 'RetryTimeoutError';
  }
}

/**
 * Calls `fn` until `predicate(value)` holds, pausing with exponential back-off and jitter.
 * An attempt that throws or overruns `attemptTimeoutMs` (its signal aborts) is just a failed attempt;
 * only the overall deadline throws — one RetryTimeoutError carrying the last outcome.
 */
export async function retryUntil<T>(
  fn: (signal: AbortSignal, attempt: number) => Promise<T>,
  predicate: (value: T) => boolean,
  input: RetryOptionsInput,
): Promise<T> {
  const o = normalizeRetryOptions(input);
  const started = o.clock.now();
  const deadline = started + o.timeoutMs;
  let last: AttemptOutcome<T> | undefined;
  for (let attempt = 1; ; attempt++) {
    o.signal?.throwIfAborted();
    const remaining = deadline - o.clock.now();
    if (remaining <= 0) throw new RetryTimeoutError(o.what, o.clock.now() - started, attempt - 1, last);
    last = await runAttempt(fn, attempt, Math.min(o.attemptTimeoutMs, remaining), o);
    o.onAttempt(last);
    if (last.error === undefined && predicate(last.value as T)) return last.value as T;
    o.signal?.throwIfAborted();
    const left = deadline - o.clock.now();
    const pause = backoffDelay(attempt, o.backoff, o.random);
    if (pause >= left) {
      // An attempt squeezed into the last instant could only time out and hide the real last result.
      if (left > 0) await o.clock.sleep(left, o.signal);
      throw new RetryTimeoutError(o.what, o.clock.now() - started, attempt, last);
    }
    o.onRetry(last, pause);
    await o.clock.sleep(pause, o.signal);
  }
}

async function runAttempt<T>(
  fn: (signal: AbortSignal, attempt: number) => Promise<T>,
  attempt: number,
  timeoutMs: number,
  o: RetryOptions,
): Promise<AttemptOutcome<T>> {
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort(o.signal?.reason);
  o.signal?.addEventListener('abort', onOuterAbort, { once: true });
  // The attempt's limit runs on the injected clock, so a fake clock can expire it too. No limit, no timer:
  // setTimeout turns an infinite delay into 1 ms.
  const timerStop = new AbortController();
  const limit = Number.isFinite(timeoutMs) ? o.clock.sleep(timeoutMs, timerStop.signal) : new Promise<void>(() => undefined);
  const expired = limit.then(
    () => {
      const error = new Error(`attempt ${attempt} took longer than ${Math.round(timeoutMs)} ms`);
      error.name = 'TimeoutError';
      controller.abort(error);
      return { attempt, error } as AttemptOutcome<T>;
    },
    () => new Promise<never>(() => undefined),
  );
  try {
    return await Promise.race([
      (async (): Promise<AttemptOutcome<T>> => {
        try {
          return { attempt, value: await fn(controller.signal, attempt) };
        } catch (error) {
          return { attempt, error };
        }
      })(),
      expired,
    ]);
  } finally {
    timerStop.abort();
    o.signal?.removeEventListener('abort', onOuterAbort);
  }
}

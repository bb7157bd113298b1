import { retryUntil, RetryTimeoutError, systemClock, type BackoffInput, type Clock } from '@qraft/retry';
import { assertValidChecks, buildReport, isRequired, type Check, type HealthReport } from './check';
import type { ProbeResult } from './probe-result';

export interface WaitOptionsInput {
  /** Overall deadline. */
  readonly timeoutMs: number;
  /** Limit for one probe attempt (default 2_000 ms, or less when the deadline is nearer). */
  readonly attemptTimeoutMs?: number;
  /** Poll pacing (default: from 25 ms, ×1.5, at most 250 ms, ±20 % jitter). */
  readonly backoff?: BackoffInput;
  readonly clock?: Clock;
  readonly signal?: AbortSignal;
  /** Every probe result as it arrives — for per-service progress lines. */
  readonly onProgress?: (name: string, result: ProbeResult) => void;
}

/** Thrown once when the deadline passes: names every required check still failing and why. */
export class HealthTimeoutError extends Error {
  constructor(
    readonly waitedMs: number,
    readonly report: HealthReport,
  ) {
    const failing = report.checks.filter((c) => c.required && c.state !== 'up');
    super(
      `not healthy after ${(waitedMs / 1_000).toFixed(1)} s — ${failing.length} of ${report.checks.filter((c) => c.required).length} required checks failing:\n` +
        failing.map((c) => `  ${c.name} (${c.state}): ${c.error ?? c.detail}`).join('\n'),
    );
    this.name = 'HealthTimeoutError';
  }

  get failing(): readonly string[] {
    return this.report.checks.filter((c) => c.required && c.state !== 'up').map((c) => c.name);
  }
}

/**
 * Polls every check concurrently, each on its own back-off, and returns the moment all required
 * checks are up (optional ones are polled until then and reported as last seen). A check that comes
 * up is not polled again, so one slow service never delays noticing the others.
 */
export async function waitUntilHealthy(checks: readonly Check[], input: WaitOptionsInput): Promise<HealthReport> {
  assertValidChecks(checks);
  const clock = input.clock ?? systemClock;
  const started = clock.now();
  const results = new Map<string, ProbeResult>();
  const stop = new AbortController();
  const onOuterAbort = () => stop.abort(input.signal?.reason);
  input.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const required = checks.filter(isRequired);
  const pending = new Set(required.map((c) => c.name));
  const attemptTimeoutMs = input.attemptTimeoutMs ?? 2_000;
  const watch = async (check: Check): Promise<void> => {
    try {
      await retryUntil(
        (signal) => check.probe(signal).catch((error: unknown) => thrown(check, error)),
        (result) => result.ok,
        {
          timeoutMs: Math.max(1, input.timeoutMs - (clock.now() - started)),
          attemptTimeoutMs,
          backoff: input.backoff,
          clock,
          signal: stop.signal,
          what: check.name,
          onAttempt: (outcome) => {
            // An attempt cut short because we are done says nothing about the service.
            if (stop.signal.aborted) return;
            const result: ProbeResult =
              outcome.error === undefined
                ? (outcome.value as ProbeResult)
                : {
                    ok: false,
                    state: 'down',
                    latencyMs: 0,
                    detail: 'no answer',
                    error:
                      (outcome.error as Error)?.name === 'TimeoutError'
                        ? `${check.name}: no answer within ${attemptTimeoutMs} ms — is the server starting, overloaded, or the port not published?`
                        : `${check.name}: ${(outcome.error as Error)?.message ?? String(outcome.error)}`,
                  };
            results.set(check.name, result);
            input.onProgress?.(check.name, result);
          },
        },
      );
      pending.delete(check.name);
      if (pending.size === 0) stop.abort(new Error('all required checks are up'));
    } catch (error) {
      if (error instanceof RetryTimeoutError || stop.signal.aborted) return;
      throw error;
    }
  };
  try {
    if (required.length === 0) {
      // Nothing to wait for: one pass of the optional checks, reported as seen.
      await Promise.all(checks.map((c) => watchOnce(c, results, input)));
    } else {
      await Promise.all(checks.map(watch));
    }
  } finally {
    input.signal?.removeEventListener('abort', onOuterAbort);
  }
  input.signal?.throwIfAborted();
  const report = buildReport(checks, results, clock.now() - started);
  if (pending.size > 0) throw new HealthTimeoutError(clock.now() - started, report);
  return report;
}

async function watchOnce(check: Check, results: Map<string, ProbeResult>, input: WaitOptionsInput): Promise<void> {
  const timeout = AbortSignal.timeout(input.attemptTimeoutMs ?? 2_000);
  const result = await check
    .probe(input.signal ? AbortSignal.any([input.signal, timeout]) : timeout)
    .catch((error: unknown) => thrown(check, error));
  results.set(check.name, result);
  input.onProgress?.(check.name, result);
}

/** Probes from this library never throw; one written by a caller might. */
function thrown(check: Check, error: unknown): ProbeResult {
  return {
    ok: false,
    state: 'down',
    latencyMs: 0,
    detail: 'probe threw',
    error: `${check.name}: ${(error as Error)?.message ?? String(error)}`,
  };
}

import { assertValidChecks, buildReport, type Check, type HealthReport } from './check';
import type { ProbeResult } from './probe-result';

export interface RunChecksOptions {
  /** Cancels all probes; they resolve `down` ("cancelled"). */
  readonly signal?: AbortSignal;
  /** Limit for each probe (default 5_000 ms). */
  readonly timeoutMs?: number;
}

/** One pass: every check concurrently, each limited to `timeoutMs`. Never throws for a failing check. */
export async function runChecks(checks: readonly Check[], options: RunChecksOptions = {}): Promise<HealthReport> {
  assertValidChecks(checks);
  const started = performance.now();
  const results = new Map<string, ProbeResult>();
  await Promise.all(
    checks.map(async (check) => {
      results.set(check.name, await runOne(check, options.signal, options.timeoutMs ?? 5_000));
    }),
  );
  return buildReport(checks, results, performance.now() - started);
}

/** Runs a check under a time limit; a probe written outside this library may throw, so catch that too. */
export async function runOne(check: Check, outer: AbortSignal | undefined, timeoutMs: number): Promise<ProbeResult> {
  const started = performance.now();
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = outer ? AbortSignal.any([outer, timeout]) : timeout;
  // A probe written outside this library may ignore its signal (a query with its own 30 s timeout): the limit
  // holds anyway, so one hung dependency cannot hold a whole /readyz answer.
  let onAbort: (() => void) | undefined;
  const limit = new Promise<ProbeResult>((resolve) => {
    onAbort = () =>
      resolve({
        ok: false,
        state: 'down',
        latencyMs: Math.round(performance.now() - started),
        detail: 'no answer',
        error: timeout.aborted
          ? `${check.name}: no answer within ${timeoutMs} ms`
          : `${check.name}: cancelled`,
      });
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([check.probe(signal), limit]);
  } catch (error) {
    return {
      ok: false,
      state: 'down',
      latencyMs: Math.round(performance.now() - started),
      detail: 'probe threw',
      error: `${check.name}: ${(error as Error)?.message ?? String(error)}`,
    };
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

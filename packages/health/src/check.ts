import type { ProbeResult, ProbeState } from './probe-result';

/** A named probe bound to its target, as runChecks and waitUntilHealthy take it. */
export interface Check {
  readonly name: string;
  /** Counts for the verdict and for waiting (default true); optional checks are reported only. */
  readonly required?: boolean;
  readonly probe: (signal: AbortSignal) => Promise<ProbeResult>;
}

export interface CheckReport extends ProbeResult {
  readonly name: string;
  readonly required: boolean;
}

export interface HealthReport {
  /** True when every required check is up. */
  readonly ok: boolean;
  /** down if a required check is down; degraded if anything else is not up; else up. */
  readonly state: ProbeState;
  /** ISO time the report was completed. */
  readonly checkedAt: string;
  /** Wall time the pass (or the wait) took. */
  readonly durationMs: number;
  readonly checks: readonly CheckReport[];
}

export function isRequired(check: Pick<Check, 'required'>): boolean {
  return check.required !== false;
}

/** Builds the report from the latest result of each check, in the order the checks were given. */
export function buildReport(
  checks: readonly Check[],
  results: ReadonlyMap<string, ProbeResult>,
  durationMs: number,
): HealthReport {
  const rows: CheckReport[] = checks.map((check) => ({
    name: check.name,
    required: isRequired(check),
    ...(results.get(check.name) ?? {
      ok: false,
      state: 'down' as const,
      latencyMs: 0,
      detail: 'not run',
      error: `${check.name}: no result yet`,
    }),
  }));
  const required = rows.filter((r) => r.required);
  const ok = required.every((r) => r.state === 'up');
  const state: ProbeState = required.some((r) => r.state === 'down')
    ? 'down'
    : rows.every((r) => r.state === 'up')
      ? 'up'
      : 'degraded';
  return { ok, state, checkedAt: new Date().toISOString(), durationMs: Math.round(durationMs), checks: rows };
}

/** Check names must be unique and non-empty: they key the report and the CLI's output. */
export function assertValidChecks(checks: readonly Check[]): void {
  const seen = new Set<string>();
  for (const check of checks) {
    if (!check.name) throw new TypeError('every check needs a name');
    if (seen.has(check.name)) throw new TypeError(`two checks are named "${check.name}" — names must be unique`);
    seen.add(check.name);
  }
}

/** One dependency check behind /readyz. It never throws: a failure is a result with a reason. */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<CheckResult>;
}

export interface CheckResult {
  readonly ok: boolean;
  readonly detail: string;
  readonly latencyMs?: number;
}

export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: ReadonlyArray<CheckResult & { readonly name: string }>;
}

/** Wraps a function that throws on failure (or returns a reason) into a check that never throws. */
export function readinessCheck(name: string, run: () => Promise<string | undefined>, okDetail: string): ReadinessCheck {
  return {
    name,
    async check() {
      const started = performance.now();
      try {
        const problem = await run();
        const latencyMs = Math.round(performance.now() - started);
        return problem === undefined ? { ok: true, detail: okDetail, latencyMs } : { ok: false, detail: problem, latencyMs };
      } catch (error) {
        return { ok: false, detail: (error as Error).message || String(error), latencyMs: Math.round(performance.now() - started) };
      }
    },
  };
}

/** Runs every check concurrently; ready only when all pass. */
export async function runReadiness(checks: readonly ReadinessCheck[]): Promise<ReadinessReport> {
  const results = await Promise.all(checks.map(async (c) => ({ name: c.name, ...(await c.check()) })));
  return { ready: results.every((r) => r.ok), checks: results };
}

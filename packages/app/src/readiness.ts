import type { Check, ProbeResult } from '@qraft/health';

/**
 * A check on the app's own state (schema applied, ingest running) in the shape of @qraft/health's probes, so
 * /readyz is one `runChecks` over those probes and these. `run` returns a problem, or undefined when fine.
 */
export function appCheck(name: string, run: () => Promise<string | undefined>, okDetail: string): Check {
  return {
    name,
    async probe(): Promise<ProbeResult> {
      const started = performance.now();
      const latencyMs = () => Math.round(performance.now() - started);
      try {
        const problem = await run();
        return problem === undefined
          ? { ok: true, state: 'up', latencyMs: latencyMs(), detail: okDetail }
          : { ok: false, state: 'down', latencyMs: latencyMs(), detail: 'not ready', error: `${name}: ${problem}` };
      } catch (error) {
        return { ok: false, state: 'down', latencyMs: latencyMs(), detail: 'check failed', error: `${name}: ${(error as Error).message}` };
      }
    },
  };
}

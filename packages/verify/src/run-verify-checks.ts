import { SkipCheck, type CheckOutcome } from './outcome';
import type { VerifyCheck } from './verify-check';

export interface RunVerifyChecksOptions {
  /** Called as each check finishes, for progress output. */
  readonly onOutcome?: (outcome: CheckOutcome) => void;
  readonly now?: () => number;
}

/** Runs checks in order (later ones may rely on the stack state earlier ones leave). Never throws. */
export async function runVerifyChecks<Context>(
  checks: ReadonlyArray<VerifyCheck<Context>>,
  context: Context,
  options: RunVerifyChecksOptions = {},
): Promise<CheckOutcome[]> {
  const now = options.now ?? (() => performance.now());
  const outcomes: CheckOutcome[] = [];
  for (const check of checks) {
    const started = now();
    let outcome: CheckOutcome;
    try {
      const detail = await check.run(context);
      outcome = { group: check.group, name: check.name, status: 'passed', durationMs: now() - started, detail: detail ?? '' };
    } catch (error) {
      const skipped = error instanceof SkipCheck;
      const detail = skipped ? error.reason : error instanceof Error ? error.message : String(error);
      outcome = { group: check.group, name: check.name, status: skipped ? 'skipped' : 'failed', durationMs: now() - started, detail };
    }
    outcomes.push(outcome);
    options.onOutcome?.(outcome);
  }
  return outcomes;
}

export type CheckStatus = 'passed' | 'failed' | 'skipped';

/** What one verification check found, in the words a person reads in the summary. */
export interface CheckOutcome {
  readonly group: string;
  readonly name: string;
  readonly status: CheckStatus;
  readonly durationMs: number;
  /** What was observed when it passed, why it failed, or why it could not run. */
  readonly detail: string;
}

/** Thrown (or returned via `skip`) by a check that cannot run here; it is reported as skipped with the reason. */
export class SkipCheck extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'SkipCheck';
  }
}

export function skip(reason: string): never {
  throw new SkipCheck(reason);
}

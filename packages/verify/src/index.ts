export { skip, SkipCheck, type CheckOutcome, type CheckStatus } from './outcome';
export { formatOutcome, formatSummary, toJson, toJUnit, totals, type Totals } from './reporters';
export { runChecks, type RunChecksOptions } from './run-checks';
export type { VerifyCheck } from './verify-check';

export { demuxLogs, readContainerLogs } from './container-logs';
export { findErrorLines } from './error-lines';
export { skip, SkipCheck, type CheckOutcome, type CheckStatus } from './outcome';
export { formatOutcome, formatSummary, toJson, toJUnit, totals, type Totals } from './reporters';
export { runChecks, type RunChecksOptions } from './run-checks';
export type { StackContext, StackControl, StackEndpoints, StackService } from './stack-context';
export { containerRunningCheck, noErrorLogsCheck, startupChecks } from './startup-checks';
export type { VerifyCheck } from './verify-check';
export { dataOwnershipCheck, logsGrowCheck } from './volume-checks';

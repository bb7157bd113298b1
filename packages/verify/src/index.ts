export { allChecks } from './all-checks';
export { postEvents, queryEventsByType, type StoredEvent } from './app-api';
export { appReady, communicationChecks, grafanaDatasources, natsToApiRoundTrip, prometheusTargetsUp } from './communication-checks';
export { contextFromStack, stackServices } from './context-from-stack';
export { stackControl } from './stack-control';
export { findErrorLines } from './error-lines';
export { frontendIsolation } from './isolation-checks';
export { alertRulesReturnSeries, alwaysReturning, dashboardQueriesReturnData, KEY_SERIES, monitoringChecks, prometheusWantsLogin, publishingMovesCounters, serviceTargetsWithSeries } from './monitoring-checks';
export { networkOf, runInStackNetwork } from './network-probe';
export { PrometheusInNetwork, type PromSeries } from './prometheus-in-network';
export { skip, SkipCheck, type CheckOutcome, type CheckStatus } from './outcome';
export { persistenceChecks } from './persistence-checks';
export { pollUntil } from '@qraft/retry';
export { formatOutcome, formatSummary, toJson, toJUnit, totals, type Totals } from './reporters';
export { runVerifyChecks, type RunVerifyChecksOptions } from './run-verify-checks';
export type { StackContext, StackControl, StackEndpoints, StackMonitoring, StackService } from './stack-context';
export { containerRunningCheck, noErrorLogsCheck, omittedServiceCheck, startupChecks } from './startup-checks';
export type { VerifyCheck } from './verify-check';
export { dataOwnershipCheck, logsGrowCheck, stdoutLogsCheck } from './volume-checks';
export { noSecretsInLogsCheck } from './secret-log-checks';
export { writeReports } from './write-reports';
export { parseVerifyOptions, VERIFY_HELP, type VerifyOptions } from './verify-options';
export {
  accountEvents,
  assertAppStaysUp,
  containerOf,
  copyProblems,
  crashFaultChecks,
  deliverySnapshot,
  DEFAULT_FAULT_TIMING,
  environmentFaultChecks,
  exactlyOnceAccounting,
  FAULTS_HELP,
  fillTmpfs,
  formatCopyAccounting,
  FILLER_NAME,
  findServerPid,
  formatFaultTable,
  fullDiskFault,
  httpSender,
  isTmpfsMount,
  jetStreamSender,
  killServerProcess,
  markContainer,
  mergeEvents,
  natsUnreachableAtStartFault,
  parseFaultOptions,
  processCrashFault,
  rawCopies,
  PublishLoad,
  readOnlyDataDirFault,
  readReadyz,
  redeliveriesBetween,
  removeFiller,
  stackRestartFault,
  storedEventCounts,
  waitForRestart,
  waitRecovered,
  type ClickHouseAccess,
  type ComposeRunner,
  type ContainerMark,
  type CopyAccounting,
  type DeliverySnapshot,
  type EventAccounting,
  type FaultContext,
  type FaultOptions,
  type FaultRecovery,
  type FaultTiming,
  type JetStreamSender,
  type KilledProcess,
  type LoadChannel,
  type LoadEvent,
  type LoadTotals,
  type PublishedEvent,
  type PublishLoadInput,
  type ReadyzState,
  type Recovered,
  type SendEvent,
  type StoredCounts,
} from './faults';
export { connectAs } from './nats-client';

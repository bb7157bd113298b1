export { probeApp, type AppProbeOptions } from './app-probe';
export { buildReport, isRequired, type Check, type CheckReport, type HealthReport } from './check';
export { probeClickHouse, type ClickHouseProbeOptions } from './clickhouse-probe';
export { systemClock, type Clock } from './clock';
export { describeError, redactUrl } from './describe-error';
export { FakeClock } from './fake-clock';
export { formatLatency } from './format-latency';
export { exitCode, formatReport, reportToJson, type FormatOptions } from './format-report';
export { probeGrafana, type GrafanaProbeOptions } from './grafana-probe';
export { probeHttp, type HttpProbeOptions } from './http-probe';
export { probeNats, type NatsProbeOptions } from './nats-probe';
export { ProbeFailure, type ProbeOptions, type ProbeResult, type ProbeState } from './probe-result';
export { runProbe, type ProbeContext } from './run-probe';
export { probePrometheus, type PrometheusProbeOptions } from './prometheus-probe';
export {
  backoffDelay,
  DEFAULT_BACKOFF,
  retryUntil,
  RetryTimeoutError,
  type AttemptOutcome,
  type BackoffInput,
  type RetryOptionsInput,
} from './retry-until';
export { parseDuration } from './parse-duration';
export { runChecks, type RunChecksOptions } from './run-checks';
export { probeTcp, type TcpProbeOptions } from './tcp-probe';
export { HealthTimeoutError, waitUntilHealthy, type WaitOptionsInput } from './wait-until-healthy';
export { main as runHealthCli, runAsProcess, type CheckCommand, type CliIo, type StackCommands } from './cli';
export { UsageError, type CliCommand } from './cli-args';

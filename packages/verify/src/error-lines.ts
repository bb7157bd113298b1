/**
 * Error-level lines in a service's log, by each server's own format:
 * NATS `[ERR]`/`[FTL]`, ClickHouse `<Error>`/`<Fatal>`, Prometheus/Grafana `level=error`, the app's pino `"level":50+`.
 */
const ERROR_PATTERNS: readonly RegExp[] = [
  /\[(ERR|FTL)\]/,
  /<(Error|Fatal|Critical)>/,
  /\blevel=(error|fatal|crit|critical)\b/i,
  /"level":\s*(5\d|6\d)\b/,
  /"level":\s*"(error|fatal)"/i,
];

/** Lines that look like errors but are expected on a first start; each with the reason it is harmless. */
const BENIGN: ReadonlyArray<{ readonly pattern: RegExp; readonly why: string }> = [
  // ClickHouse 18.16 logs this when the optional system.query_log table does not exist yet.
  { pattern: /<Error> Application: Listen \[::\]/, why: 'ClickHouse tries IPv6 first; the container has IPv4 only' },
];

export function findErrorLines(log: string): string[] {
  return log
    .split('\n')
    .filter((line) => ERROR_PATTERNS.some((p) => p.test(line)))
    .filter((line) => !BENIGN.some((b) => b.pattern.test(line)));
}

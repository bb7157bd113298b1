import { readFileSync } from 'node:fs';

/** Everything the exporter needs, fully defaulted and validated. */
export interface ExporterConfig {
  readonly httpHost: string;
  readonly httpPort: number;
  /** NATS monitoring endpoint (`http: 8222` in nats-server.conf). */
  readonly natsMonitorUrl: string;
  readonly clickhouseUrl: string;
  readonly clickhouseUser: string;
  readonly clickhousePassword: string;
  /** Time one scrape may spend on one source; Prometheus' own scrape timeout is 10 s. */
  readonly sourceTimeoutMs: number;
}

/** Thrown once at start with every problem found in the environment, one per line. */
export class ExporterConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ExporterConfigError';
  }
}

/**
 * Reads the exporter's configuration from `env` (the caller passes `process.env`; this is the only place it
 * is read). The variable names are the app's where they mean the same thing, so one secret serves both.
 */
export function loadExporterConfig(env: Readonly<Record<string, string | undefined>>): ExporterConfig {
  const problems: string[] = [];
  const str = (name: string, fallback: string): string => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? fallback : value;
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw.replaceAll('_', ''));
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name}=${JSON.stringify(raw)} must be an integer from ${min} to ${max}`);
      return fallback;
    }
    return value;
  };
  const url = (name: string, fallback: string, credentialVars: string): string => {
    const value = str(name, fallback);
    try {
      const parsed = new URL(value);
      if (parsed.username !== '' || parsed.password !== '') {
        // The URL is logged at start: credentials go in files, and the message shows the URL without them.
        parsed.username = '';
        parsed.password = '';
        problems.push(`${name}=${JSON.stringify(parsed.toString())} carries a user or password (user:password@) — take them out of the URL and ${credentialVars}`);
        return parsed.toString().replace(/\/+$/, '');
      }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') problems.push(`${name}=${JSON.stringify(value)} must use http: or https: (e.g. ${fallback})`);
    } catch {
      problems.push(`${name}=${JSON.stringify(value)} is not a URL (e.g. ${fallback})`);
    }
    return value.replace(/\/+$/, '');
  };

  let clickhousePassword = env['QRAFT_CLICKHOUSE_PASSWORD'] ?? '';
  const passwordFile = env['QRAFT_CLICKHOUSE_PASSWORD_FILE']?.trim();
  if (passwordFile) {
    if (env['QRAFT_CLICKHOUSE_PASSWORD']) problems.push('QRAFT_CLICKHOUSE_PASSWORD and QRAFT_CLICKHOUSE_PASSWORD_FILE are both set — keep only one');
    try {
      // A secret file usually ends with a newline that is not part of the password.
      clickhousePassword = readFileSync(passwordFile, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      problems.push(
        `QRAFT_CLICKHOUSE_PASSWORD_FILE=${passwordFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}) — mount the secret there or fix the path`,
      );
    }
  }

  const config: ExporterConfig = {
    httpHost: str('QRAFT_HTTP_HOST', '0.0.0.0'),
    httpPort: int('QRAFT_HTTP_PORT', 9188, 0, 65_535),
    natsMonitorUrl: url('QRAFT_NATS_MONITOR_URL', 'http://127.0.0.1:8222', 'leave them out: the exporter reads NATS monitoring without credentials'),
    clickhouseUrl: url('QRAFT_CLICKHOUSE_URL', 'http://127.0.0.1:8123', 'set QRAFT_CLICKHOUSE_USER and QRAFT_CLICKHOUSE_PASSWORD_FILE'),
    clickhouseUser: str('QRAFT_CLICKHOUSE_USER', 'default'),
    clickhousePassword,
    sourceTimeoutMs: int('QRAFT_SOURCE_TIMEOUT_MS', 5_000, 100, 60_000),
  };
  if (problems.length > 0) throw new ExporterConfigError(problems);
  return config;
}

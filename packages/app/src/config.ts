import { UsageError } from '@qraft/cli';
import { readFileSync } from 'node:fs';
import { autoDecodeWorkers } from './cpu-limit';

/** Everything the app needs to run, fully defaulted and validated. */
export interface AppConfig {
  readonly natsUrl: string;
  /** Absent: connect without credentials (a server with no authorization, as in the unit tests). */
  readonly natsUser: string | undefined;
  readonly natsPassword: string | undefined;
  /** Where the app's replies arrive; its NATS permissions allow subscribing only there. */
  readonly natsInboxPrefix: string;
  readonly streamName: string;
  readonly consumerName: string;
  readonly duplicateWindowMs: number;
  readonly ackWaitMs: number;
  readonly clickhouseUrl: string;
  readonly clickhouseUser: string;
  readonly clickhousePassword: string;
  readonly clickhouseDatabase: string;
  readonly httpHost: string;
  readonly httpPort: number;
  readonly httpBodyLimitBytes: number;
  readonly eventMaxBytes: number;
  readonly publishBatchMax: number;
  /** Events per batch envelope (`qraft.batch.>`), consumed and published. */
  readonly envelopeMaxEvents: number;
  /** Bytes per batch envelope. */
  readonly envelopeMaxBytes: number;
  /** Rows at which an insert starts when none is running. */
  readonly batchMaxSize: number;
  /** Rows a batch may grow to under a backlog (filling while an insert runs). */
  readonly batchBacklogMaxSize: number;
  /** Received NATS message bytes one batch may hold. */
  readonly batchMaxBytes: number;
  readonly batchMaxWaitMs: number;
  /**
   * Worker threads that decode envelopes beside the thread that keeps NATS, acks and inserts; 0: on that thread.
   * `auto` (the default) is resolved here: 1 when the process may use 2 CPUs or more (cgroup quota included), else 0.
   */
  readonly decodeWorkers: number;
  readonly queryMaxLimit: number;
  readonly queryMaxRangeMs: number;
  readonly logDir: string | undefined;
  readonly logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  readonly shutdownTimeoutMs: number;
}

/** Thrown once at start with every problem found in the environment, one per line (a usage error: exit 2). */
export class AppConfigError extends UsageError {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'AppConfigError';
  }
}

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const STREAM_NAME = /^[A-Za-z0-9_-]+$/;

/**
 * Reads the app's configuration from `env` (the caller passes `process.env`; this is the only place it is read)
 * and validates all of it before failing, so one start shows every problem.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): AppConfig {
  const problems: string[] = [];
  const str = (name: string, fallback: string): string => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? fallback : value.trim();
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return fallback;
    const value = Number(raw.trim().replaceAll('_', ''));
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name}=${JSON.stringify(raw)} must be an integer from ${min} to ${max}`);
      return fallback;
    }
    return value;
  };
  const url = (name: string, fallback: string, protocols: readonly string[], credentialVars: string): string => {
    const value = str(name, fallback);
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      problems.push(`${name}=${JSON.stringify(value)} is not a URL (e.g. ${fallback})`);
      return value;
    }
    if (parsed.username !== '' || parsed.password !== '') {
      // A URL is logged, shown in `docker inspect` and kept in shell history: credentials go in files. The message
      // (and the value kept) has them taken out, so the password reaches no log.
      parsed.username = '';
      parsed.password = '';
      problems.push(`${name}=${JSON.stringify(parsed.toString())} carries a user or password (user:password@) — take them out of the URL and set ${credentialVars}`);
      return parsed.toString();
    }
    if (!protocols.includes(parsed.protocol)) {
      problems.push(`${name}=${JSON.stringify(value)} must use ${protocols.join(' or ')} (e.g. ${fallback})`);
    }
    return value;
  };

  const natsUrl = url('QRAFT_NATS_URL', 'nats://127.0.0.1:4222', ['nats:', 'tls:'], 'QRAFT_NATS_USER and QRAFT_NATS_PASSWORD_FILE');
  const clickhouseUrl = url('QRAFT_CLICKHOUSE_URL', 'http://127.0.0.1:8123', ['http:', 'https:'], 'QRAFT_CLICKHOUSE_USER and QRAFT_CLICKHOUSE_PASSWORD_FILE');

  /**
   * A password from `<name>` or, better, the file named by `<name>_FILE` (a compose or Kubernetes secret). The
   * file usually ends with a newline that is not part of the password. `given` says whether either was set.
   */
  const password = (name: string): { value: string | undefined; given: boolean } => {
    const file = env[`${name}_FILE`]?.trim();
    if (!file) return { value: env[name] || undefined, given: Boolean(env[name]) };
    if (env[name]) problems.push(`${name} and ${name}_FILE are both set — keep only one`);
    try {
      return { value: readFileSync(file, 'utf8').replace(/\r?\n$/, ''), given: true };
    } catch (error) {
      problems.push(`${name}_FILE=${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}) — mount the secret there or fix the path`);
      return { value: undefined, given: true };
    }
  };
  const clickhousePassword = password('QRAFT_CLICKHOUSE_PASSWORD').value ?? '';
  const nats = password('QRAFT_NATS_PASSWORD');
  const natsPassword = nats.value;
  const natsUser = env['QRAFT_NATS_USER']?.trim() || undefined;
  if (natsUser === undefined && natsPassword !== undefined) {
    problems.push('a NATS password is set but QRAFT_NATS_USER is not — set QRAFT_NATS_USER to the user the password belongs to');
  }
  if (natsUser !== undefined && !nats.given) {
    problems.push(`QRAFT_NATS_USER=${JSON.stringify(natsUser)} has no password — set QRAFT_NATS_PASSWORD_FILE to the file that holds it`);
  }
  const natsInboxPrefix = str('QRAFT_NATS_INBOX_PREFIX', '_INBOX');
  if (!/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/.test(natsInboxPrefix)) {
    problems.push(`QRAFT_NATS_INBOX_PREFIX=${JSON.stringify(natsInboxPrefix)} must be NATS subject tokens without wildcards (e.g. _INBOX_qraft_app)`);
  }

  const clickhouseDatabase = str('QRAFT_CLICKHOUSE_DATABASE', 'qraft');
  if (!IDENTIFIER.test(clickhouseDatabase)) {
    problems.push(`QRAFT_CLICKHOUSE_DATABASE=${JSON.stringify(clickhouseDatabase)} must be a plain identifier ([A-Za-z_][A-Za-z0-9_]*)`);
  }
  const streamName = str('QRAFT_STREAM_NAME', 'QRAFT_EVENTS');
  if (!STREAM_NAME.test(streamName)) problems.push(`QRAFT_STREAM_NAME=${JSON.stringify(streamName)} may hold only letters, digits, _ and -`);
  const consumerName = str('QRAFT_CONSUMER_NAME', 'qraft-app');
  if (!STREAM_NAME.test(consumerName)) problems.push(`QRAFT_CONSUMER_NAME=${JSON.stringify(consumerName)} may hold only letters, digits, _ and -`);

  /** QRAFT_DECODE_WORKERS: `auto` (also when unset) or a count; auto reads the CPUs this process may use. */
  const decodeWorkers = (): number => {
    const raw = env['QRAFT_DECODE_WORKERS']?.trim() ?? '';
    if (raw === '' || raw.toLowerCase() === 'auto') return autoDecodeWorkers();
    const value = Number(raw.replaceAll('_', ''));
    if (!Number.isInteger(value) || value < 0 || value > 16) {
      problems.push(`QRAFT_DECODE_WORKERS=${JSON.stringify(env['QRAFT_DECODE_WORKERS'])} must be auto (1 with 2 or more CPUs, else 0) or an integer from 0 to 16`);
      return 0;
    }
    return value;
  };

  const logLevel = str('QRAFT_LOG_LEVEL', 'info') as AppConfig['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`QRAFT_LOG_LEVEL=${JSON.stringify(logLevel)} must be one of ${LOG_LEVELS.join(', ')}`);

  const config: AppConfig = {
    natsUrl,
    natsUser,
    natsPassword,
    natsInboxPrefix,
    streamName,
    consumerName,
    duplicateWindowMs: int('QRAFT_DUPLICATE_WINDOW_MS', 120_000, 1_000, 86_400_000),
    ackWaitMs: int('QRAFT_ACK_WAIT_MS', 30_000, 1_000, 3_600_000),
    clickhouseUrl,
    clickhouseUser: str('QRAFT_CLICKHOUSE_USER', 'default'),
    clickhousePassword,
    clickhouseDatabase,
    httpHost: str('QRAFT_HTTP_HOST', '0.0.0.0'),
    httpPort: int('QRAFT_HTTP_PORT', 8080, 0, 65_535),
    httpBodyLimitBytes: int('QRAFT_HTTP_BODY_LIMIT_BYTES', 1_048_576, 1_024, 104_857_600),
    eventMaxBytes: int('QRAFT_EVENT_MAX_BYTES', 65_536, 256, 1_048_576),
    publishBatchMax: int('QRAFT_PUBLISH_BATCH_MAX', 1_000, 1, 100_000),
    envelopeMaxEvents: int('QRAFT_ENVELOPE_MAX_EVENTS', 1_000, 1, 100_000),
    envelopeMaxBytes: int('QRAFT_ENVELOPE_MAX_BYTES', 1_048_576, 1_024, 67_108_864),
    batchMaxSize: int('QRAFT_BATCH_MAX_SIZE', 20_000, 1, 100_000),
    batchBacklogMaxSize: int('QRAFT_BATCH_BACKLOG_MAX_SIZE', 100_000, 1, 1_000_000),
    batchMaxBytes: int('QRAFT_BATCH_MAX_BYTES', 33_554_432, 65_536, 1_073_741_824),
    batchMaxWaitMs: int('QRAFT_BATCH_MAX_WAIT_MS', 500, 10, 60_000),
    decodeWorkers: decodeWorkers(),
    queryMaxLimit: int('QRAFT_QUERY_MAX_LIMIT', 1_000, 1, 100_000),
    queryMaxRangeMs: int('QRAFT_QUERY_MAX_RANGE_MS', 31 * 86_400_000, 1_000, 3_650 * 86_400_000),
    logDir: env['QRAFT_LOG_DIR']?.trim() || undefined,
    logLevel,
    shutdownTimeoutMs: int('QRAFT_SHUTDOWN_TIMEOUT_MS', 20_000, 100, 600_000),
  };
  if (config.ackWaitMs <= config.batchMaxWaitMs) {
    problems.push(`QRAFT_ACK_WAIT_MS (${config.ackWaitMs}) must be longer than QRAFT_BATCH_MAX_WAIT_MS (${config.batchMaxWaitMs}), or every batch is redelivered before it is acked`);
  }
  if (config.batchBacklogMaxSize < config.batchMaxSize) {
    problems.push(`QRAFT_BATCH_BACKLOG_MAX_SIZE (${config.batchBacklogMaxSize}) must not be below QRAFT_BATCH_MAX_SIZE (${config.batchMaxSize}) — raise it, or lower QRAFT_BATCH_MAX_SIZE`);
  }
  if (config.eventMaxBytes > config.httpBodyLimitBytes) {
    problems.push(`QRAFT_EVENT_MAX_BYTES (${config.eventMaxBytes}) must not exceed QRAFT_HTTP_BODY_LIMIT_BYTES (${config.httpBodyLimitBytes})`);
  }
  if (config.envelopeMaxBytes < config.eventMaxBytes) {
    problems.push(`QRAFT_ENVELOPE_MAX_BYTES (${config.envelopeMaxBytes}) must not be below QRAFT_EVENT_MAX_BYTES (${config.eventMaxBytes}), or a valid event fits in no envelope`);
  }
  if (problems.length > 0) throw new AppConfigError(problems);
  return config;
}

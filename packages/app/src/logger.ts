import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  readonly level: string;
  /** When set, every line also goes to `<logDir>/app.log`. */
  readonly logDir?: string | undefined;
  /** Defaults to stdout; tests pass their own. */
  readonly stdout?: NodeJS.WritableStream;
  /** Credential values (passwords read from files) that must never appear in a line, wherever they turn up. */
  readonly secrets?: readonly string[];
}

/** What replaces a credential in a log line. */
export const REDACTED = '[redacted]';

/** Fields that hold credentials in anything the app logs (its config, client options, request headers). */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'clickhousePassword',
  '*.clickhousePassword',
  'natsPassword',
  '*.natsPassword',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers["x-clickhouse-key"]',
  '*.headers["x-clickhouse-key"]',
];

/** `scheme://user:password@` in any string of a line (an error message, a URL a library logs). */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@:"]*:[^\s/@"]*@/gi;

/**
 * A line with every credential taken out: URL user info, and each known secret value wherever it appears. Applied
 * to the serialized line, so it also covers values pino's path-based redaction cannot name (messages, stacks).
 */
export function scrubLine(line: string, secrets: readonly string[] = []): string {
  let out = line.replace(URL_USERINFO, `$1${REDACTED}@`);
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(JSON.stringify(secret).slice(1, -1)).join(REDACTED);
  }
  return out;
}

/** Structured JSON logs to stdout and, when a log directory is configured, to a file in it; credentials redacted. */
export function createLogger(options: LoggerOptions): Logger {
  const streams: pino.StreamEntry[] = [{ level: options.level as pino.Level, stream: options.stdout ?? pino.destination({ dest: 1, sync: false }) }];
  if (options.logDir) {
    mkdirSync(options.logDir, { recursive: true });
    streams.push({ level: options.level as pino.Level, stream: pino.destination({ dest: join(options.logDir, 'app.log'), sync: false, mkdir: true }) });
  }
  const secrets = (options.secrets ?? []).filter((s) => s !== '');
  return pino(
    {
      level: options.level,
      base: { service: 'qraft-app' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      hooks: { streamWrite: (line) => scrubLine(line, secrets) },
    },
    pino.multistream(streams),
  );
}

/** A logger that drops everything, for library callers and tests that do not care. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

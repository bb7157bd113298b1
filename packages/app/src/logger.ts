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
}

/** Structured JSON logs to stdout and, when a log directory is configured, to a file in it. */
export function createLogger(options: LoggerOptions): Logger {
  const streams: pino.StreamEntry[] = [{ level: options.level as pino.Level, stream: options.stdout ?? pino.destination({ dest: 1, sync: false }) }];
  if (options.logDir) {
    mkdirSync(options.logDir, { recursive: true });
    streams.push({ level: options.level as pino.Level, stream: pino.destination({ dest: join(options.logDir, 'app.log'), sync: false, mkdir: true }) });
  }
  return pino(
    { level: options.level, base: { service: 'qraft-app' }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.multistream(streams),
  );
}

/** A logger that drops everything, for library callers and tests that do not care. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

#!/usr/bin/env node
import { ExitCode, runCli, UsageError, type CliSpec } from '@qraft/cli';
import { loadConfig, type AppConfig } from './config';
import { createClickHouseClient, EventStore } from './event-store';
import { createLogger, type Logger } from './logger';
import { migrate } from './migrations';
import { QraftApp } from './qraft-app';
import { retryUntilDone } from './retry';
import { logsAttempt, STARTUP_RETRY, startupAttemptTimeoutMs } from './startup-attempts';

const USAGE = `Usage: qraft-app [serve|migrate]
  serve    (default) run the service: HTTP API, NATS -> ClickHouse ingest, /healthz /readyz /metrics
  migrate  apply the ClickHouse migrations and exit (waits up to QRAFT_MIGRATE_TIMEOUT_MS for ClickHouse)
Configuration comes from QRAFT_* environment variables; see the app README.`;

export interface MainDeps {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly exit: (code: number) => void;
  readonly stderr: (text: string) => void;
}

async function runMigrate(config: AppConfig, logger: Logger, timeoutMs: number): Promise<void> {
  const store = new EventStore(
    createClickHouseClient({ url: config.clickhouseUrl, user: config.clickhouseUser, password: config.clickhousePassword }),
    config.clickhouseDatabase,
  );
  try {
    const result = await retryUntilDone(
      async (attempt) => {
        await store.ping(AbortSignal.timeout(startupAttemptTimeoutMs(attempt)));
        return migrate(store.client, config.clickhouseDatabase);
      },
      {
        ...STARTUP_RETRY,
        signal: AbortSignal.timeout(timeoutMs),
        onFailure: (error, attempt) => logsAttempt(attempt) && logger.warn({ err: error, attempt }, 'ClickHouse not ready for migrations; retrying'),
      },
    ).catch((error: unknown) => {
      throw new Error(`ClickHouse at ${config.clickhouseUrl} was not reachable within ${timeoutMs} ms (${(error as Error).message}) — start it or fix QRAFT_CLICKHOUSE_URL`, { cause: error });
    });
    logger.info({ applied: result.applied, version: result.version, database: config.clickhouseDatabase }, 'migrations done');
  } finally {
    await store.client.close();
  }
}

/** The command line as data for @qraft/cli: `serve` keeps running (returns undefined), `migrate` returns its code. */
export function appCli(deps: MainDeps): CliSpec<Record<string, never>> {
  return {
    name: 'qraft-app',
    help: USAGE,
    options: {},
    positionals: true,
    async run({ positionals }) {
      const command = positionals[0] ?? 'serve';
      if (!['serve', 'migrate'].includes(command) || positionals.length > 1) {
        throw new UsageError(`unknown command "${positionals.join(' ')}" — use serve or migrate (see qraft-app --help)`);
      }
      // An invalid environment throws AppConfigError, a UsageError: every problem listed, exit 2.
      const config = loadConfig(deps.env);
      let logger: Logger;
      try {
        logger = createLogger({ level: config.logLevel, logDir: config.logDir, secrets: [config.clickhousePassword, config.natsPassword ?? ''] });
      } catch (error) {
        throw new UsageError(`cannot write logs to QRAFT_LOG_DIR=${config.logDir} (${(error as Error).message}) — mount a writable volume there or unset it`);
      }
      if (command === 'migrate') {
        const timeoutMs = Number(deps.env['QRAFT_MIGRATE_TIMEOUT_MS'] ?? 60_000);
        try {
          await runMigrate(config, logger, timeoutMs);
          logger.flush();
          return ExitCode.ok;
        } catch (error) {
          logger.error({ err: error }, (error as Error).message);
          logger.flush();
          return ExitCode.failure;
        }
      }
      return serve(config, logger, deps);
    },
  };
}

/** The CLI; `exit` and the environment are injected so tests can run it in-process. */
export async function main(argv: readonly string[], deps: MainDeps): Promise<void> {
  const code = await runCli(appCli(deps), argv, { out: (text) => process.stdout.write(`${text}\n`), err: (text) => deps.stderr(`${text}\n`) });
  if (code !== undefined) deps.exit(code);
}

/** Runs until a signal: returns undefined once listening, or the exit code when it cannot listen. */
async function serve(config: AppConfig, logger: Logger, deps: MainDeps): Promise<number | undefined> {
  const app = new QraftApp(config, logger);
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    // A second signal means "now": the unacked messages are redelivered to the next instance anyway.
    if (signals > 1) {
      logger.warn({ signal }, 'second signal; exiting at once');
      logger.flush();
      deps.exit(1);
      return;
    }
    logger.info({ signal }, 'signal received; draining');
    app.stop().then(
      () => {
        logger.flush();
        deps.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        logger.flush();
        deps.exit(1);
      },
    );
  };
  // Explicit handlers matter when node is PID 1 in a container: the kernel ignores SIGTERM for PID 1 otherwise.
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    await app.start();
    return undefined;
  } catch (error) {
    logger.fatal({ err: error }, `cannot listen on ${config.httpHost}:${config.httpPort} — free the port or set QRAFT_HTTP_PORT`);
    logger.flush();
    return ExitCode.failure;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2), {
    env: process.env,
    exit: (code) => process.exit(code),
    stderr: (text) => process.stderr.write(text),
  });
}

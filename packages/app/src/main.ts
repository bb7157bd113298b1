#!/usr/bin/env node
import { AppConfigError, loadConfig, type AppConfig } from './config';
import { createClickHouseClient, EventStore } from './event-store';
import { createLogger, type Logger } from './logger';
import { migrate } from './migrations';
import { QraftApp } from './qraft-app';
import { retryUntilDone } from './retry';

const USAGE = `usage: qraft-app [serve|migrate]
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
      async () => {
        await store.ping();
        return migrate(store.client, config.clickhouseDatabase);
      },
      {
        signal: AbortSignal.timeout(timeoutMs),
        onFailure: (error, attempt) => logger.warn({ err: error, attempt }, 'ClickHouse not ready for migrations; retrying'),
      },
    ).catch((error: unknown) => {
      throw new Error(`ClickHouse at ${config.clickhouseUrl} was not reachable within ${timeoutMs} ms (${(error as Error).message}) — start it or fix QRAFT_CLICKHOUSE_URL`, { cause: error });
    });
    logger.info({ applied: result.applied, version: result.version, database: config.clickhouseDatabase }, 'migrations done');
  } finally {
    await store.client.close();
  }
}

/** The CLI; `exit` and the environment are injected so tests can run it in-process. */
export async function main(argv: readonly string[], deps: MainDeps): Promise<void> {
  const command = argv[0] ?? 'serve';
  if (command === '--help' || command === '-h' || !['serve', 'migrate'].includes(command)) {
    deps.stderr(`${USAGE}\n`);
    deps.exit(command.startsWith('-h') || command === '--help' ? 0 : 2);
    return;
  }
  let config: AppConfig;
  try {
    config = loadConfig(deps.env);
  } catch (error) {
    deps.stderr(`qraft-app: ${(error as Error).message}\n`);
    deps.exit(error instanceof AppConfigError ? 2 : 1);
    return;
  }
  let logger: Logger;
  try {
    logger = createLogger({ level: config.logLevel, logDir: config.logDir });
  } catch (error) {
    deps.stderr(`qraft-app: cannot write logs to QRAFT_LOG_DIR=${config.logDir} (${(error as Error).message}) — mount a writable volume there or unset it\n`);
    deps.exit(2);
    return;
  }

  if (command === 'migrate') {
    const timeoutMs = Number(deps.env['QRAFT_MIGRATE_TIMEOUT_MS'] ?? 60_000);
    try {
      await runMigrate(config, logger, timeoutMs);
      logger.flush();
      deps.exit(0);
    } catch (error) {
      logger.error({ err: error }, (error as Error).message);
      logger.flush();
      deps.exit(1);
    }
    return;
  }

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
  } catch (error) {
    logger.fatal({ err: error }, `cannot listen on ${config.httpHost}:${config.httpPort} — free the port or set QRAFT_HTTP_PORT`);
    logger.flush();
    deps.exit(1);
  }
}

if (require.main === module) {
  void main(process.argv.slice(2), {
    env: process.env,
    exit: (code) => process.exit(code),
    stderr: (text) => process.stderr.write(text),
  });
}

#!/usr/bin/env node
import { ExporterConfigError, loadExporterConfig } from './exporter-config';
import { MetricsServer, ROUTES } from './metrics-server';
import { redactLine } from './redact-line';

const USAGE = `usage: qraft-exporter [--help]
Serves NATS and ClickHouse figures for Prometheus under the official exporters' names:
  ${ROUTES.nats}        gnatsd_varz_*, gnatsd_connz_*, gnatsd_healthz_*, jetstream_* (from /varz, /connz, /jsz, /healthz)
  ${ROUTES.clickhouse}  ClickHouseProfileEvents_*, ClickHouseMetrics_*, ClickHouseAsyncMetrics_* (from system tables)
  ${ROUTES.health}             process alive
Environment (defaults in brackets):
  QRAFT_HTTP_HOST [0.0.0.0]  QRAFT_HTTP_PORT [9188]  QRAFT_NATS_MONITOR_URL [http://127.0.0.1:8222]
  QRAFT_CLICKHOUSE_URL [http://127.0.0.1:8123]  QRAFT_CLICKHOUSE_USER [default]
  QRAFT_CLICKHOUSE_PASSWORD or QRAFT_CLICKHOUSE_PASSWORD_FILE  QRAFT_SOURCE_TIMEOUT_MS [5000]
Logs are JSON lines on stdout.`;

export interface MainDeps {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly exit: (code: number) => void;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** The CLI; the environment, output and exit are injected so tests can run it in-process. Resolves to the running server. */
export async function main(argv: readonly string[], deps: MainDeps): Promise<MetricsServer | undefined> {
  if (argv.length > 0) {
    const help = argv[0] === '--help' || argv[0] === '-h';
    (help ? deps.stdout : deps.stderr)(`${help ? '' : `qraft-exporter: unknown argument ${argv[0]}\n`}${USAGE}\n`);
    deps.exit(help ? 0 : 2);
    return undefined;
  }
  const secrets: string[] = [];
  const log = (level: string, msg: string, extra: Record<string, unknown> = {}) =>
    deps.stdout(`${redactLine(JSON.stringify({ level, time: new Date().toISOString(), msg, ...extra }), secrets)}\n`);
  let server: MetricsServer;
  try {
    const config = loadExporterConfig(deps.env);
    secrets.push(config.clickhousePassword);
    server = await new MetricsServer(config, (line) => log('warn', line)).listen().catch((error: unknown) => {
      throw new Error(`cannot listen on ${config.httpHost}:${config.httpPort} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}) — free the port or set QRAFT_HTTP_PORT`);
    });
    log('info', 'listening', { url: server.url, nats: config.natsMonitorUrl, clickhouse: config.clickhouseUrl });
  } catch (error) {
    deps.stderr(`qraft-exporter: ${(error as Error).message}\n`);
    deps.exit(error instanceof ExporterConfigError ? 2 : 1);
    return undefined;
  }
  return server;
}

if (require.main === module) {
  void main(process.argv.slice(2), {
    env: process.env,
    exit: (code) => process.exit(code),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  }).then((server) => {
    if (!server) return;
    // Explicit handlers matter when node is PID 1 in a container: the kernel ignores SIGTERM for PID 1 otherwise.
    const stop = () => void server.close().then(() => process.exit(0));
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}

import { jetstreamManager, type ConsumerInfo } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { ClickHouseTestServer, NatsTestServer } from '@qraft/testkit';
import { waitFor } from '@qraft/testkit';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { loadConfig, type AppConfig } from '../src/config';
import { createLogger, silentLogger } from '../src/logger';
import { QraftApp } from '../src/qraft-app';

const APP_ROOT = join(__dirname, '..');

/** The environment a test app runs with: the real servers, an ephemeral port, quick batches. */
export function testEnv(nats: NatsTestServer, ch: ClickHouseTestServer, extra: Record<string, string> = {}): Record<string, string> {
  return {
    QRAFT_NATS_URL: nats.url,
    QRAFT_CLICKHOUSE_URL: ch.url,
    QRAFT_CLICKHOUSE_USER: ch.user,
    QRAFT_CLICKHOUSE_PASSWORD: ch.password,
    QRAFT_HTTP_HOST: '127.0.0.1',
    QRAFT_HTTP_PORT: '0',
    QRAFT_BATCH_MAX_SIZE: '50',
    QRAFT_BATCH_MAX_WAIT_MS: '100',
    QRAFT_ACK_WAIT_MS: '5000',
    QRAFT_SHUTDOWN_TIMEOUT_MS: '10000',
    ...extra,
  };
}

export interface RunningApp extends AsyncDisposable {
  readonly app: QraftApp;
  readonly url: string;
  readonly config: AppConfig;
}

/** Runs the app in this process; `await using` stops it. */
export async function runApp(env: Record<string, string>, options: { waitReady?: boolean; log?: boolean } = {}): Promise<RunningApp> {
  const config = loadConfig(env);
  const app = new QraftApp(config, options.log ? createLogger({ level: 'debug' }) : silentLogger());
  const url = await app.start();
  if (options.waitReady !== false) await app.whenStarted();
  return { app, url, config, [Symbol.asyncDispose]: () => app.stop() };
}

export interface AppProcess extends AsyncDisposable {
  readonly child: ChildProcess;
  readonly url: string;
  output(): string;
  /** Resolves with the exit code (or signal) once the process has gone. */
  readonly exited: Promise<number | NodeJS.Signals>;
}

/** Runs src/main.ts as a child process through tsx, as `qraft-app serve` would run. */
export function spawnApp(env: Record<string, string>, port: number): AppProcess {
  const child = spawn(process.execPath, ['--conditions=@qraft/source', '--import', 'tsx', join(APP_ROOT, 'src/main.ts'), 'serve'], {
    cwd: APP_ROOT,
    env: { PATH: process.env['PATH'] ?? '', ...env, QRAFT_HTTP_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-200_000)));
  child.stderr?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-200_000)));
  const exited = new Promise<number | NodeJS.Signals>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    exited,
    async [Symbol.asyncDispose]() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** A plain NATS client for the test's own side of the conversation. */
export async function natsClient(url: string): Promise<NatsConnection & AsyncDisposable> {
  const nc = await connect({ servers: url });
  return Object.assign(nc, { [Symbol.asyncDispose]: () => nc.close() });
}

export async function consumerInfo(nc: NatsConnection, stream = 'QRAFT_EVENTS', consumer = 'qraft-app'): Promise<ConsumerInfo> {
  return (await jetstreamManager(nc)).consumers.info(stream, consumer);
}

export function makeEvents(count: number, prefix: string, type = 'order.created'): Array<Record<string, unknown>> {
  const base = Date.now() - 60_000;
  return Array.from({ length: count }, (_, i) => ({
    id: `${prefix}-${i}`,
    type,
    source: 'test',
    timestamp: new Date(base + i).toISOString(),
    payload: { n: i },
  }));
}

export async function postJson(url: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

export async function getJson(url: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url);
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** Waits for the child's /readyz to answer 200; on failure the error carries what the app printed. */
export async function waitReady(app: AppProcess, timeoutMs = 60_000): Promise<void> {
  try {
    await waitFor(`app at ${app.url} ready`, async () => {
      if (app.child.exitCode !== null) throw new Error('exited');
      return (await fetch(`${app.url}/readyz`)).status === 200;
    }, timeoutMs);
  } catch (error) {
    throw new Error(`${(error as Error).message}; exit ${app.child.exitCode}; it printed:\n${app.output().slice(-4_000)}`, { cause: error });
  }
}

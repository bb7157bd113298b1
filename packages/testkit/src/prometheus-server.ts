import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashSync } from 'bcryptjs';
import { freePort } from './free-port';
import { requireBinary, ServerProcess } from './server-process';
import { TestServer } from './test-server';
import { httpOk } from './wait-for';

export interface PrometheusServerOptions {
  /** host:port targets to scrape at /metrics, grouped under job "targets". */
  readonly targets?: readonly string[];
  readonly scrapeIntervalSeconds?: number;
  /** Basic auth on every endpoint (web.config.file with a bcrypt hash), as the stack runs it. */
  readonly basicAuth?: { readonly user: string; readonly password: string };
}

/** A real Prometheus server on a free loopback port. */
export class PrometheusTestServer extends TestServer {
  readonly name = 'prometheus';
  /** The login every request needs, when started with basicAuth. */
  readonly basicAuth: PrometheusServerOptions['basicAuth'];
  protected readonly process: ServerProcess;
  protected readonly dir: string;

  private constructor(
    readonly port: number,
    options: PrometheusServerOptions,
  ) {
    super();
    this.dir = mkdtempSync(join(tmpdir(), 'qraft-prometheus-'));
    const interval = options.scrapeIntervalSeconds ?? 1;
    const targets = [`127.0.0.1:${port}`, ...(options.targets ?? [])];
    const auth = options.basicAuth;
    this.basicAuth = auth;
    // The self-scrape logs in too (a target behind basic auth otherwise shows as down with 401).
    const scrapeAuth = auth ? `    basic_auth:\n      username: ${JSON.stringify(auth.user)}\n      password: ${JSON.stringify(auth.password)}\n` : '';
    writeFileSync(
      join(this.dir, 'prometheus.yml'),
      `global:\n  scrape_interval: ${interval}s\n  scrape_timeout: ${interval}s\nscrape_configs:\n  - job_name: targets\n${scrapeAuth}    static_configs:\n      - targets: ${JSON.stringify(targets)}\n`,
    );
    if (auth) writeFileSync(join(this.dir, 'web.yml'), `basic_auth_users:\n  ${JSON.stringify(auth.user)}: ${JSON.stringify(hashSync(auth.password, 10))}\n`);
    this.process = new ServerProcess(
      this.name,
      requireBinary('prometheus'),
      [
        `--config.file=${join(this.dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(this.dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
        ...(auth ? [`--web.config.file=${join(this.dir, 'web.yml')}`] : []),
      ],
      this.dir,
    );
  }

  static async create(options: PrometheusServerOptions = {}): Promise<PrometheusTestServer> {
    return new PrometheusTestServer(await freePort(), options);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The Authorization header of the configured login (empty without basic auth). */
  get authHeaders(): Record<string, string> {
    const auth = this.basicAuth;
    return auth ? { authorization: `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}` } : {};
  }

  isReady(): Promise<boolean> {
    return httpOk(`${this.url}/-/ready`, { headers: this.authHeaders });
  }
}

/** Starts a real Prometheus scraping itself and `targets`, and waits until /-/ready answers. */
export async function startPrometheus(options: PrometheusServerOptions = {}): Promise<PrometheusTestServer> {
  return (await PrometheusTestServer.create(options)).start();
}

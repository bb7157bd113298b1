import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { requireBinary, ServerProcess } from './server-process';
import { TestServer } from './test-server';
import { httpOk } from './wait-for';

export interface PrometheusServerOptions {
  /** host:port targets to scrape at /metrics, grouped under job "targets". */
  readonly targets?: readonly string[];
  readonly scrapeIntervalSeconds?: number;
}

/** A real Prometheus server on a free loopback port. */
export class PrometheusTestServer extends TestServer {
  readonly name = 'prometheus';
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
    writeFileSync(
      join(this.dir, 'prometheus.yml'),
      `global:\n  scrape_interval: ${interval}s\n  scrape_timeout: ${interval}s\nscrape_configs:\n  - job_name: targets\n    static_configs:\n      - targets: ${JSON.stringify(targets)}\n`,
    );
    this.process = new ServerProcess(
      this.name,
      requireBinary('prometheus'),
      [
        `--config.file=${join(this.dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(this.dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
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

  isReady(): Promise<boolean> {
    return httpOk(`${this.url}/-/ready`);
  }
}

/** Starts a real Prometheus scraping itself and `targets`, and waits until /-/ready answers. */
export async function startPrometheus(options: PrometheusServerOptions = {}): Promise<PrometheusTestServer> {
  return (await PrometheusTestServer.create(options)).start();
}

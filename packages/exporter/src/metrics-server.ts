import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { collectClickhouseMetrics } from './clickhouse-metrics';
import type { ExporterConfig } from './exporter-config';
import type { MetricSink } from './metric-sink';
import { collectNatsMetrics } from './nats-metrics';

export const ROUTES = {
  nats: '/metrics/nats',
  clickhouse: '/metrics/clickhouse',
  health: '/healthz',
} as const;

/**
 * The exporter's HTTP server. Each source has its own path, so Prometheus scrapes it as its own job (`nats`,
 * `clickhouse`) and `up` says whether that source could be read: ClickHouse unreadable answers 503 (as its
 * built-in endpoint would be gone), NATS unreachable answers 200 with `gnatsd_healthz_status_value{value="unreachable"} 0`
 * (as the NATS exporter does).
 */
export class MetricsServer implements AsyncDisposable {
  private readonly server: Server;
  private readonly clickhouse: ClickHouseClient;

  constructor(
    private readonly config: ExporterConfig,
    private readonly log: (line: string) => void = () => {},
  ) {
    this.clickhouse = createClient({
      url: config.clickhouseUrl,
      username: config.clickhouseUser,
      password: config.clickhousePassword,
      request_timeout: config.sourceTimeoutMs,
      // A failed scrape is logged once by serve(), with the URL and the fix; the client's own log would repeat it.
      log: { level: ClickHouseLogLevel.OFF },
    });
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.config.httpPort, this.config.httpHost, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return this;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    const host = this.config.httpHost === '0.0.0.0' ? '127.0.0.1' : this.config.httpHost;
    return `http://${host}:${port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await this.clickhouse.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'only GET\n');
    switch (path) {
      case ROUTES.health:
        return send(res, 200, 'application/json', '{"status":"ok"}\n');
      case ROUTES.nats:
        return this.serve(res, 'nats', () => collectNatsMetrics(this.config.natsMonitorUrl, this.config.sourceTimeoutMs));
      case ROUTES.clickhouse:
        return this.serve(res, 'clickhouse', () => collectClickhouseMetrics(this.clickhouse, this.config.sourceTimeoutMs));
      default:
        return send(res, 404, 'text/plain', `no such path; scrape ${ROUTES.nats} or ${ROUTES.clickhouse}, probe ${ROUTES.health}\n`);
    }
  }

  private async serve(res: ServerResponse, source: string, collect: () => Promise<MetricSink>): Promise<void> {
    try {
      const sink = await collect();
      send(res, 200, sink.contentType, await sink.text());
    } catch (error) {
      const where = source === 'clickhouse' ? `ClickHouse at ${this.config.clickhouseUrl}` : `NATS monitoring at ${this.config.natsMonitorUrl}`;
      const message = `cannot read ${where}: ${(error as Error).message}`;
      this.log(message);
      send(res, 503, 'text/plain', `${message}\n`);
    }
  }
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

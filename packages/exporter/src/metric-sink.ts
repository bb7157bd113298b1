import { Counter, Gauge, Registry } from 'prom-client';

const VALID_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * A registry filled once per scrape: the figures come from another server's JSON or tables, so each scrape
 * builds its metrics fresh (the official exporters also report only what the source reports right now).
 */
export class MetricSink {
  readonly registry = new Registry();
  private readonly metrics = new Map<string, Gauge<string> | Counter<string>>();

  gauge(name: string, help: string, labels: Readonly<Record<string, string>>, value: number): void {
    this.metric('gauge', name, help, Object.keys(labels)).set(labels, value);
  }

  /** A counter whose value is the source's running total (prom-client counters only count up, from 0). */
  counter(name: string, help: string, labels: Readonly<Record<string, string>>, value: number): void {
    this.metric('counter', name, help, Object.keys(labels)).inc(labels, Math.max(0, value));
  }

  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Names of the metrics written so far, for tests and logs. */
  names(): string[] {
    return [...this.metrics.keys()];
  }

  private metric(kind: 'gauge', name: string, help: string, labelNames: string[]): Gauge<string>;
  private metric(kind: 'counter', name: string, help: string, labelNames: string[]): Counter<string>;
  private metric(kind: 'gauge' | 'counter', name: string, help: string, labelNames: string[]): Gauge<string> | Counter<string> {
    if (!VALID_NAME.test(name)) throw new Error(`"${name}" is not a Prometheus metric name`);
    let metric = this.metrics.get(name);
    if (!metric) {
      const options = { name, help: help || name, labelNames, registers: [this.registry] };
      metric = kind === 'gauge' ? new Gauge(options) : new Counter(options);
      this.metrics.set(name, metric);
    }
    return metric;
  }
}

import type { ClickHouseClient } from '@clickhouse/client';
import { MetricSink } from './metric-sink';

/**
 * ClickHouse's system tables under the names of its built-in Prometheus endpoint (PrometheusMetricsWriter,
 * 20.x onwards; 18.16 has none): `ClickHouseProfileEvents_<event>` counters from system.events,
 * `ClickHouseMetrics_<metric>` gauges from system.metrics, `ClickHouseAsyncMetrics_<metric>` gauges from
 * system.asynchronous_metrics, no labels. 18.16's system.events lists only events that happened at least once,
 * where the built-in endpoint writes every known event (zeros included).
 */
export async function collectClickhouseMetrics(client: ClickHouseClient, timeoutMs: number): Promise<MetricSink> {
  const sink = new MetricSink();
  const rows = (query: string) => selectNameValue(client, query, timeoutMs);
  // 18.16's tables have no `description` column, so the help text names the source row.
  const [events, metrics, asyncMetrics] = await Promise.all([
    rows('SELECT event AS name, toFloat64(value) AS value FROM system.events'),
    rows('SELECT metric AS name, toFloat64(value) AS value FROM system.metrics'),
    rows('SELECT metric AS name, toFloat64(value) AS value FROM system.asynchronous_metrics'),
  ]);
  for (const { name, value } of events) {
    const metric = sanitize(name);
    if (metric) sink.counter(`ClickHouseProfileEvents_${metric}`, `system.events ${name}`, {}, value);
  }
  for (const { name, value } of metrics) {
    const metric = sanitize(name);
    if (metric) sink.gauge(`ClickHouseMetrics_${metric}`, `system.metrics ${name}`, {}, value);
  }
  for (const { name, value } of asyncMetrics) {
    // The built-in writer sanitises the whole key here, prefix included; the prefix is valid, so the result is the same.
    const metric = sanitize(`ClickHouseAsyncMetrics_${name}`);
    if (metric) sink.gauge(metric, `system.asynchronous_metrics ${name}`, {}, value);
  }
  return sink;
}

/** PrometheusMetricsWriter's replaceInvalidChars: invalid characters become `_`, leading non-letters go. Empty: skipped. */
export function sanitize(name: string): string {
  return name.replace(/[^a-zA-Z0-9_:]/g, '_').replace(/^[^a-zA-Z]*/, '');
}

async function selectNameValue(client: ClickHouseClient, query: string, timeoutMs: number): Promise<Array<{ name: string; value: number }>> {
  const result = await client.query({ query, format: 'JSONEachRow', abort_signal: AbortSignal.timeout(timeoutMs) });
  const rows = await result.json<{ name: string; value: number | string }>();
  return rows.map((r) => ({ name: r.name, value: Number(r.value) }));
}

export { collectClickhouseMetrics, sanitize } from './clickhouse-metrics';
export { ExporterConfigError, loadExporterConfig, type ExporterConfig } from './exporter-config';
export { main, type MainDeps } from './main';
export { MetricSink } from './metric-sink';
export { MetricsServer, ROUTES } from './metrics-server';
export { collectNatsMetrics, defaultServerId } from './nats-metrics';

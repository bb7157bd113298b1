import { SERVICE_CATALOG } from './service-catalog';
import type { NetworkName, ReachabilityEdge, ServiceName } from './stack-model';

/** Fixed edges: who talks to whom besides Prometheus scraping (derived from the metrics capability). */
const FIXED_EDGES: readonly ReachabilityEdge[] = [
  { from: 'app', to: 'nats', port: 'client', why: 'consumes the event stream' },
  { from: 'app', to: 'clickhouse', port: 'http', why: 'inserts event batches' },
  { from: 'nats-exporter', to: 'nats', port: 'monitoring', why: 'reads /varz, /connz, /jsz and /healthz' },
  { from: 'exporter', to: 'nats', port: 'monitoring', why: 'reads /varz, /connz, /jsz and /healthz' },
  { from: 'exporter', to: 'clickhouse', port: 'http', why: 'reads system.metrics, system.events and system.asynchronous_metrics' },
  { from: 'grafana', to: 'prometheus', port: 'http', why: 'Prometheus datasource' },
  { from: 'grafana', to: 'clickhouse', port: 'http', why: 'ClickHouse datasource' },
];

/**
 * The reachability table of a stack: the fixed edges plus Prometheus → every service that serves
 * metrics, limited to the services present in the image set.
 */
export function reachabilityFor(
  present: ReadonlySet<ServiceName>,
  hasMetrics: (service: ServiceName) => boolean,
): ReachabilityEdge[] {
  const scrapes: ReachabilityEdge[] = [];
  for (const spec of Object.values(SERVICE_CATALOG)) {
    if (spec.name === 'prometheus' || !spec.metrics || !hasMetrics(spec.name)) continue;
    scrapes.push({ from: 'prometheus', to: spec.name, port: spec.metrics.port, why: 'scrapes metrics' });
  }
  return [...FIXED_EDGES, ...scrapes].filter((e) => present.has(e.from) && present.has(e.to));
}

/** A service joins its home network plus the home network of every service it must reach. */
export function networksFor(service: ServiceName, edges: readonly ReachabilityEdge[]): NetworkName[] {
  const nets = new Set<NetworkName>([SERVICE_CATALOG[service].home]);
  for (const edge of edges) if (edge.from === service) nets.add(SERVICE_CATALOG[edge.to].home);
  return (['frontend', 'backend'] as const).filter((n) => nets.has(n));
}

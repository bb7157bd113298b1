import type { ServiceName, StackModel } from './stack-model';

export interface Endpoints {
  readonly nats?: string;
  readonly natsMonitor?: string;
  readonly clickhouse?: string;
  readonly clickhouseNative?: string;
  readonly clickhouseMetrics?: string;
  readonly prometheus?: string;
  readonly grafana?: string;
  readonly natsExporter?: string;
  readonly app?: string;
}

const KEYS: ReadonlyArray<readonly [keyof Endpoints, ServiceName, string]> = [
  ['nats', 'nats', 'client'],
  ['natsMonitor', 'nats', 'monitoring'],
  ['clickhouse', 'clickhouse', 'http'],
  ['clickhouseNative', 'clickhouse', 'native'],
  ['clickhouseMetrics', 'clickhouse', 'metrics'],
  ['prometheus', 'prometheus', 'http'],
  ['grafana', 'grafana', 'http'],
  ['natsExporter', 'nats-exporter', 'metrics'],
  ['app', 'app', 'http'],
];

/**
 * Base URLs of every service, as seen from the host (published ports on 127.0.0.1) or from a container
 * on the stack's networks (service DNS names, container ports). A key is absent when the service is not
 * in the image set, or, from the host, when the variant does not publish that port.
 */
export function endpoints(model: StackModel, from: 'host' | 'network'): Endpoints {
  const result: Record<string, string> = {};
  for (const [key, serviceName, portName] of KEYS) {
    const service = model.services[serviceName];
    const port = service.ports.find((p) => p.name === portName);
    if (!service.available || !port) continue;
    if (from === 'host' && port.host === undefined) continue;
    const host = from === 'host' ? `${port.hostIp}:${port.host}` : `${serviceName}:${port.container}`;
    result[key] = `${port.scheme}://${host}`;
  }
  return result;
}

import type { ServiceName } from './stack-model';

/** `clickhouse` + `http` → `QRAFT_CLICKHOUSE_HTTP_PORT`; `nats-exporter` + `metrics` → `QRAFT_NATS_EXPORTER_METRICS_PORT`. */
export function portEnvName(service: ServiceName, port: string): string {
  return `QRAFT_${envStem(service)}_${port.toUpperCase()}_PORT`;
}

/** `clickhouse` → `QRAFT_CLICKHOUSE_MEMORY`. */
export function memoryEnvName(service: ServiceName): string {
  return `QRAFT_${envStem(service)}_MEMORY`;
}

export function envStem(service: string): string {
  return service.toUpperCase().replace(/-/g, '_');
}

export const ENV = {
  variant: 'QRAFT_VARIANT',
  imageSet: 'QRAFT_IMAGE_SET',
  registryMirror: 'QRAFT_REGISTRY_MIRROR',
} as const;

import { endpoints, type StackModel } from '@qraft/config';
import type { HealthReport } from '@qraft/health';

export interface StackRow {
  readonly service: string;
  readonly container: string;
  readonly state: string;
  readonly detail: string;
  readonly url: string;
}

const URL_KEY: Record<string, keyof ReturnType<typeof endpoints>> = {
  nats: 'nats',
  clickhouse: 'clickhouse',
  prometheus: 'prometheus',
  grafana: 'grafana',
  'nats-exporter': 'natsExporter',
  app: 'app',
};

/** One row per service of the model: omitted ones say why, the others their health and host URL. */
export function stackRows(model: StackModel, report: HealthReport | undefined): StackRow[] {
  const host = endpoints(model, 'host');
  return Object.values(model.services).map((s) => {
    const check = report?.checks.find((c) => c.name === s.name);
    const url = host[URL_KEY[s.name]!] ?? (s.available ? '(not published)' : '');
    if (!s.available) return { service: s.name, container: '-', state: 'omitted', detail: s.note ?? '', url };
    return {
      service: s.name,
      container: s.containerName,
      state: check?.state ?? 'unknown',
      detail: check ? (check.ok ? check.detail : (check.error ?? check.detail)) : '',
      url,
    };
  });
}

export function formatStackTable(rows: readonly StackRow[]): string {
  const header: StackRow = { service: 'SERVICE', container: 'CONTAINER', state: 'STATE', url: 'URL', detail: 'DETAIL' };
  const all = [header, ...rows];
  const w = (k: keyof StackRow) => Math.max(...all.map((r) => r[k].length));
  return all
    .map((r) => [r.service.padEnd(w('service')), r.container.padEnd(w('container')), r.state.padEnd(w('state')), r.url.padEnd(w('url')), r.detail.slice(0, 100)].join('  '))
    .join('\n');
}

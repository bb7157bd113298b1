import { formatTable } from '@qraft/cli';
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

/** The table `up`, `restart` and `ps` end with: one row per service, the detail cut at 100 characters. */
export function formatStackTable(rows: readonly StackRow[]): string {
  return formatTable(
    rows.map((r) => [r.service, r.container, r.state, r.url, r.detail.slice(0, 100)]),
    { head: ['SERVICE', 'CONTAINER', 'STATE', 'URL', 'DETAIL'] },
  );
}

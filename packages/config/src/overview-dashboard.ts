import { GENERATED_MARK } from './generated-header';
import type { StackModel } from './stack-model';

interface GridPos {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

interface PanelTarget {
  readonly refId: string;
  readonly expr: string;
  readonly legendFormat: string;
  readonly datasource: { readonly type: 'prometheus'; readonly uid: string };
}

interface Panel {
  readonly id: number;
  readonly type: 'timeseries' | 'stat';
  readonly title: string;
  readonly description: string;
  readonly gridPos: GridPos;
  readonly datasource: { readonly type: 'prometheus'; readonly uid: string };
  readonly targets: readonly PanelTarget[];
  readonly fieldConfig: { readonly defaults: { readonly unit: string }; readonly overrides: readonly [] };
  readonly options: Readonly<Record<string, unknown>>;
}

export interface GrafanaDashboard {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly timezone: 'browser';
  readonly schemaVersion: number;
  readonly version: number;
  readonly editable: false;
  readonly refresh: string;
  readonly time: { readonly from: string; readonly to: string };
  readonly panels: readonly Panel[];
}

const PROMETHEUS = { type: 'prometheus', uid: 'qraft-prometheus' } as const;

interface PanelSpec {
  readonly title: string;
  readonly description: string;
  readonly type: Panel['type'];
  readonly unit: string;
  readonly queries: ReadonlyArray<readonly [expr: string, legend: string]>;
  readonly w: number;
}

function layout(specs: readonly PanelSpec[]): Panel[] {
  let x = 0;
  let y = 0;
  return specs.map((spec, index) => {
    if (x + spec.w > 24) {
      x = 0;
      y += 8;
    }
    const panel: Panel = {
      id: index + 1,
      type: spec.type,
      title: spec.title,
      description: spec.description,
      gridPos: { x, y, w: spec.w, h: 8 },
      datasource: PROMETHEUS,
      targets: spec.queries.map(([expr, legendFormat], i) => ({
        refId: String.fromCharCode(65 + i),
        expr,
        legendFormat,
        datasource: PROMETHEUS,
      })),
      fieldConfig: { defaults: { unit: spec.unit }, overrides: [] },
      options: spec.type === 'stat' ? { colorMode: 'background', graphMode: 'none', reduceOptions: { calcs: ['lastNotNull'] } } : { legend: { displayMode: 'list', placement: 'bottom' } },
    };
    x += spec.w;
    return panel;
  });
}

/** The "Qraft overview" dashboard: ingest rate, errors, batch latency, NATS and ClickHouse health, targets up. */
export function overviewDashboard(model: StackModel): GrafanaDashboard {
  return {
    uid: 'qraft-overview',
    title: 'Qraft overview',
    description: `${GENERATED_MARK} (${model.imageSet} image set).`,
    tags: ['qraft'],
    timezone: 'browser',
    schemaVersion: 39,
    version: 1,
    editable: false,
    refresh: '10s',
    time: { from: 'now-1h', to: 'now' },
    panels: layout([
      {
        title: 'Ingest rate',
        description: 'Events written to ClickHouse per second.',
        type: 'timeseries',
        unit: 'ops',
        queries: [['sum(rate(qraft_events_ingested_total[1m]))', 'ingested/s']],
        w: 12,
      },
      {
        title: 'Rejected events',
        description: 'Events the app refused or could not store, per second and reason.',
        type: 'timeseries',
        unit: 'ops',
        queries: [['sum by (reason) (rate(qraft_events_rejected_total[1m]))', '{{reason}}']],
        w: 12,
      },
      {
        title: 'Batch insert latency',
        description: 'ClickHouse batch insert duration quantiles.',
        type: 'timeseries',
        unit: 's',
        queries: [
          ['histogram_quantile(0.5, sum by (le) (rate(qraft_batch_insert_duration_seconds_bucket[5m])))', 'p50'],
          ['histogram_quantile(0.95, sum by (le) (rate(qraft_batch_insert_duration_seconds_bucket[5m])))', 'p95'],
          ['histogram_quantile(0.99, sum by (le) (rate(qraft_batch_insert_duration_seconds_bucket[5m])))', 'p99'],
        ],
        w: 12,
      },
      {
        title: 'NATS connected',
        description: 'The app holds a NATS connection (qraft_nats_connected).',
        type: 'stat',
        unit: 'bool_yes_no',
        queries: [['max(qraft_nats_connected)', 'nats']],
        w: 6,
      },
      {
        title: 'ClickHouse connected',
        description: 'The app reaches ClickHouse (qraft_clickhouse_connected).',
        type: 'stat',
        unit: 'bool_yes_no',
        queries: [['max(qraft_clickhouse_connected)', 'clickhouse']],
        w: 6,
      },
      {
        title: 'Scrape targets up',
        description: 'Every service Prometheus scrapes; 0 means down.',
        type: 'stat',
        unit: 'none',
        queries: [['up', '{{job}}']],
        w: 24,
      },
    ]),
  };
}

export function renderOverviewDashboard(model: StackModel): string {
  return JSON.stringify(overviewDashboard(model), null, 2) + '\n';
}

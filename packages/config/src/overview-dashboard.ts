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
  /** Set when only the registry image set has the metric: why the offline set shows "No data" here. */
  readonly registryOnly?: string;
}

/** One query of the dashboard, for checking it against a live Prometheus. */
export interface DashboardQuery {
  readonly panel: string;
  readonly expr: string;
  /** Why the offline image set has no data for it (its metric exists only in the registry set). */
  readonly registryOnly: string | undefined;
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
      description: spec.registryOnly ? `${spec.description} Registry image set only: ${spec.registryOnly}.` : spec.description,
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

/**
 * The panels, on metric names both image sets serve (the app's, the NATS exporter's, ClickHouse's built-in
 * endpoint's — the offline set's exporter writes the same), except those marked registryOnly.
 */
const PANELS: readonly PanelSpec[] = [
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
    title: 'Consumer lag',
    description: 'Messages waiting for each durable consumer of the app: not yet delivered, delivered and unacknowledged, redelivered.',
    type: 'timeseries',
    unit: 'short',
    queries: [
      ['sum by (consumer) (qraft_consumer_pending)', '{{consumer}} pending'],
      ['sum by (consumer) (qraft_consumer_ack_pending)', '{{consumer}} ack pending'],
      ['sum by (consumer) (qraft_consumer_redelivered)', '{{consumer}} redelivered'],
    ],
    w: 12,
  },
  {
    title: 'Newest stored event age',
    description: 'Seconds since the timestamp of the newest event in ClickHouse: grows when ingest stops or producers go quiet.',
    type: 'stat',
    unit: 's',
    queries: [['max(qraft_newest_event_age_seconds)', 'age']],
    w: 6,
  },
  {
    title: 'Dead letters',
    description: 'Messages sent to QRAFT_DEADLETTER in the last hour (each says why in its Qraft-Reason header).',
    type: 'stat',
    unit: 'short',
    queries: [['sum(increase(jetstream_stream_last_seq{stream_name="QRAFT_DEADLETTER"}[1h]))', 'dead letters']],
    w: 6,
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
    title: 'NATS messages',
    description: 'Messages in and out of the NATS server per second (/varz).',
    type: 'timeseries',
    unit: 'ops',
    queries: [
      ['sum(rate(gnatsd_varz_in_msgs[1m]))', 'in/s'],
      ['sum(rate(gnatsd_varz_out_msgs[1m]))', 'out/s'],
      ['sum(gnatsd_varz_connections)', 'connections'],
    ],
    w: 12,
  },
  {
    title: 'JetStream storage',
    description: 'Bytes stored per stream, and the share of max_file_store in use (alert at 80 %).',
    type: 'timeseries',
    unit: 'bytes',
    queries: [
      ['sum by (stream_name) (jetstream_stream_total_bytes)', '{{stream_name}}'],
      ['max(jetstream_server_total_message_bytes / jetstream_server_max_storage)', 'share of max_file_store'],
    ],
    w: 12,
  },
  {
    title: 'ClickHouse inserts and queries',
    description: "Rows inserted per second (ProfileEvents) and queries running now (Metrics), from ClickHouse's own counters.",
    type: 'timeseries',
    unit: 'short',
    queries: [
      ['sum(rate(ClickHouseProfileEvents_InsertedRows[1m]))', 'rows inserted/s'],
      ['sum(ClickHouseMetrics_Query)', 'queries running'],
    ],
    w: 12,
  },
  {
    title: 'ClickHouse disk free',
    description: 'Free bytes on the ClickHouse data disk.',
    type: 'stat',
    unit: 'bytes',
    queries: [['min(ClickHouseAsyncMetrics_DiskAvailable_default)', 'free']],
    w: 6,
    registryOnly: 'ClickHouse 18.16 (the offline set) reports no disk figures in system.asynchronous_metrics',
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
];

/** Every query of the overview dashboard with the panel it belongs to. */
export function dashboardQueries(): DashboardQuery[] {
  return PANELS.flatMap((p) => p.queries.map(([expr]) => ({ panel: p.title, expr, registryOnly: p.registryOnly })));
}

/** The "Qraft overview" dashboard: ingest, lag, errors, batch latency, NATS, JetStream and ClickHouse figures, targets up. */
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
    panels: layout(PANELS),
  };
}

export function renderOverviewDashboard(model: StackModel): string {
  return JSON.stringify(overviewDashboard(model), null, 2) + '\n';
}

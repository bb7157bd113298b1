import { stringify } from 'yaml';
import { hashComment, headerLines } from './generated-header';
import type { StackModel } from './stack-model';

interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: { readonly severity: 'warning' | 'critical' };
  readonly annotations: { readonly summary: string; readonly description: string };
}

/** Alert rules over the metrics every image set has (the app's own and `up`). */
export function alertRules(_model: StackModel): AlertRule[] {
  return [
    {
      alert: 'QraftTargetDown',
      expr: 'up == 0',
      for: '1m',
      labels: { severity: 'critical' },
      annotations: { summary: '{{ $labels.job }} is down', description: 'Prometheus cannot scrape {{ $labels.instance }} for 1 minute.' },
    },
    {
      alert: 'QraftIngestErrors',
      expr: 'sum(rate(qraft_events_rejected_total[5m])) > 0',
      for: '5m',
      labels: { severity: 'warning' },
      annotations: { summary: 'the app rejects events', description: 'qraft_events_rejected_total has grown for 5 minutes; see the app log.' },
    },
    {
      alert: 'QraftNatsDisconnected',
      expr: 'max(qraft_nats_connected) == 0',
      for: '1m',
      labels: { severity: 'critical' },
      annotations: { summary: 'the app lost NATS', description: 'qraft_nats_connected has been 0 for 1 minute.' },
    },
    {
      alert: 'QraftClickhouseDisconnected',
      expr: 'max(qraft_clickhouse_connected) == 0',
      for: '1m',
      labels: { severity: 'critical' },
      annotations: { summary: 'the app lost ClickHouse', description: 'qraft_clickhouse_connected has been 0 for 1 minute.' },
    },
    {
      alert: 'QraftBatchInsertSlow',
      expr: 'histogram_quantile(0.95, sum by (le) (rate(qraft_batch_insert_duration_seconds_bucket[5m]))) > 2',
      for: '10m',
      labels: { severity: 'warning' },
      annotations: { summary: 'ClickHouse inserts are slow', description: 'The 95th percentile of batch inserts has been above 2 s for 10 minutes.' },
    },
  ];
}

export function renderAlertRules(model: StackModel): string {
  return (
    hashComment(headerLines(model, 'Prometheus alert rules, loaded by prometheus.yml (rule_files).')) +
    '\n' +
    stringify({ groups: [{ name: 'qraft', rules: alertRules(model) }] }, { lineWidth: 0 })
  );
}

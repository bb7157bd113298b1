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

/**
 * Alert rules over the metrics every image set has: `up`, the app's own, and the NATS exporter's names (the
 * registry set's nats-exporter and the offline set's @qraft/exporter write the same). Unit-tested with
 * `promtool test rules` (test/alert-rules.promtool.yml), firing and not firing.
 */
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
      alert: 'QraftNatsUnhealthy',
      expr: 'gnatsd_healthz_status_value == 0',
      for: '1m',
      labels: { severity: 'critical' },
      annotations: { summary: 'NATS is {{ $labels.value }}', description: 'NATS at {{ $labels.server_id }} has not answered /healthz with ok for 1 minute.' },
    },
    {
      alert: 'QraftIngestStalled',
      // Events are waiting (given to the app or not) and none reached ClickHouse for 5 minutes.
      expr: '(sum(qraft_consumer_pending) + sum(qraft_consumer_ack_pending)) > 0 and on() sum(increase(qraft_events_ingested_total[5m])) == 0',
      for: '5m',
      labels: { severity: 'critical' },
      annotations: { summary: 'ingest stalled', description: '{{ $value }} events wait in JetStream and none was stored in ClickHouse for 10 minutes; see the app log and /readyz.' },
    },
    {
      alert: 'QraftConsumerLagGrowing',
      expr: 'qraft_consumer_pending > 0 and deriv(qraft_consumer_pending[10m]) > 0',
      for: '10m',
      labels: { severity: 'warning' },
      annotations: { summary: 'consumer {{ $labels.consumer }} falls behind', description: '{{ $value }} messages wait for {{ $labels.consumer }} and the number has grown for 10 minutes: the app ingests slower than events arrive.' },
    },
    {
      alert: 'QraftDeadLetters',
      // last_seq only grows (messages expire after a week, the sequence stays), so any increase is a new dead letter.
      expr: 'increase(jetstream_stream_last_seq{stream_name="QRAFT_DEADLETTER"}[10m]) > 0',
      for: '0m',
      labels: { severity: 'warning' },
      annotations: { summary: 'dead letters arriving', description: 'About {{ $value | humanize }} messages went to QRAFT_DEADLETTER in the last 10 minutes; read them from qraft.deadletter.> (header Qraft-Reason says why).' },
    },
    {
      alert: 'QraftJetStreamStorageFilling',
      expr: 'jetstream_server_total_message_bytes / jetstream_server_max_storage > 0.8',
      for: '5m',
      labels: { severity: 'warning' },
      annotations: { summary: 'JetStream storage over 80 %', description: 'JetStream on {{ $labels.server_name }} holds {{ $value | humanizePercentage }} of max_file_store; when full, publishing fails. Raise the limit or let the app catch up.' },
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

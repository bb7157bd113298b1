import { MetricSink } from './metric-sink';

/**
 * NATS server and JetStream figures under the names and labels of the NATS Prometheus exporter
 * (nats-io/prometheus-nats-exporter, run as `-varz -connz -jsz=all -healthz <url>` in the registry set):
 * `gnatsd_varz_*`, `gnatsd_connz_*`, `gnatsd_healthz_*` with label `server_id`, and `jetstream_*` with its
 * server, account, stream and consumer labels. `server_id` is what that exporter uses by default: the
 * monitoring URL's scheme and host (`http://nats:8222`).
 */
export async function collectNatsMetrics(monitorUrl: string, timeoutMs: number): Promise<MetricSink> {
  const sink = new MetricSink();
  const serverId = defaultServerId(monitorUrl);
  const get = (path: string) => getJson(`${monitorUrl}${path}`, timeoutMs);

  const health = await get('/healthz').then(
    (body) => ({ status: String((body as { status?: unknown }).status ?? 'unknown') }),
    () => ({ status: 'unreachable' }),
  );
  if (health.status !== 'unreachable') sink.gauge('gnatsd_healthz_status', 'status', { server_id: serverId }, health.status === 'ok' ? 0 : 1);
  sink.gauge('gnatsd_healthz_status_value', 'status', { server_id: serverId, value: health.status }, health.status === 'ok' ? 1 : 0);
  // Like the official exporter, an unreachable server leaves only the health series (and the scrape succeeds).
  if (health.status === 'unreachable') return sink;

  const [varz, connz, jsz] = await Promise.all([
    get('/varz') as Promise<JsonObject>,
    get('/connz') as Promise<Connz>,
    get('/jsz?consumers=true&config=true&raft=true') as Promise<Jsz>,
  ]);
  writeVarz(sink, varz, serverId);
  writeConnz(sink, connz, serverId);
  writeJsz(sink, jsz, varz, serverId);
  return sink;
}

type JsonObject = { [key: string]: unknown };

export function defaultServerId(monitorUrl: string): string {
  const url = new URL(monitorUrl);
  return `${url.protocol}//${url.host}`;
}

async function getJson(url: string, timeoutMs: number): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.json();
}

// The official exporter's flattening of /varz (collector.go objectToMetrics): every number at any depth becomes
// gnatsd_varz_<path joined by _>, a few string keys become a `value` label, times become epoch milliseconds.
const SKIP_FQN = new Set([
  'leaf',
  'trusted_operators_claim',
  'cluster_tls_timeout',
  'cluster_cluster_port',
  'cluster_auth_timeout',
  'gateway_port',
  'gateway_auth_timeout',
  'gateway_tls_timeout',
  'gateway_connect_retries',
]);
const LABEL_KEYS = new Set(['server_id', 'server_name', 'version', 'domain', 'leader', 'name', 'start', 'config_load_time']);
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function fqName(path: readonly string[]): string {
  return path.join('_').replaceAll('/', '_').replace(/_{2,}/g, '_').replace(/^_+|_+$/g, '');
}

function writeVarz(sink: MetricSink, object: JsonObject, serverId: string, prefix: readonly string[] = []): void {
  for (const [key, value] of Object.entries(object)) {
    const path = [...prefix, key];
    const fqn = fqName(path);
    if (SKIP_FQN.has(fqn)) continue;
    const name = `gnatsd_varz_${fqn}`;
    if (typeof value === 'number') {
      sink.gauge(name, fqn, { server_id: serverId }, value);
    } else if (typeof value === 'string' && LABEL_KEYS.has(key)) {
      if (RFC3339.test(value)) sink.gauge(name, fqn, { server_id: serverId }, Date.parse(value));
      else sink.gauge(name, fqn, { server_id: serverId, value }, 1);
    } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      writeVarz(sink, value as JsonObject, serverId, path);
    }
  }
}

interface Connz {
  readonly num_connections: number;
  readonly total: number;
  readonly offset: number;
  readonly limit: number;
  readonly connections?: ReadonlyArray<{
    readonly pending_bytes?: number;
    readonly subscriptions?: number;
    readonly in_bytes?: number;
    readonly out_bytes?: number;
    readonly in_msgs?: number;
    readonly out_msgs?: number;
  }>;
}

function writeConnz(sink: MetricSink, connz: Connz, serverId: string): void {
  const labels = { server_id: serverId };
  const sum = (field: 'pending_bytes' | 'subscriptions' | 'in_bytes' | 'out_bytes' | 'in_msgs' | 'out_msgs') =>
    (connz.connections ?? []).reduce((total, c) => total + (c[field] ?? 0), 0);
  sink.gauge('gnatsd_connz_num_connections', 'num_connections', labels, connz.num_connections);
  sink.gauge('gnatsd_connz_total', 'total', labels, connz.total);
  sink.gauge('gnatsd_connz_offset', 'offset', labels, connz.offset);
  sink.gauge('gnatsd_connz_limit', 'limit', labels, connz.limit);
  sink.gauge('gnatsd_connz_pending_bytes', 'pending_bytes', labels, sum('pending_bytes'));
  sink.gauge('gnatsd_connz_subscriptions', 'subscriptions', labels, sum('subscriptions'));
  sink.counter('gnatsd_connz_in_bytes', 'in_bytes', labels, sum('in_bytes'));
  sink.counter('gnatsd_connz_out_bytes', 'out_bytes', labels, sum('out_bytes'));
  sink.counter('gnatsd_connz_in_msgs', 'in_msgs', labels, sum('in_msgs'));
  sink.counter('gnatsd_connz_out_msgs', 'out_msgs', labels, sum('out_msgs'));
}

interface Jsz {
  readonly disabled?: boolean;
  readonly config?: { readonly max_memory?: number; readonly max_storage?: number; readonly domain?: string };
  readonly streams?: number;
  readonly consumers?: number;
  readonly messages?: number;
  readonly bytes?: number;
  readonly meta_cluster?: { readonly name?: string; readonly leader?: string };
  readonly account_details?: ReadonlyArray<{
    readonly name: string;
    readonly id: string;
    readonly memory?: number;
    readonly storage?: number;
    readonly reserved_memory?: number;
    readonly reserved_storage?: number;
    readonly stream_detail?: ReadonlyArray<JszStream>;
  }>;
}

interface JszStream {
  readonly name: string;
  readonly cluster?: { readonly leader?: string };
  readonly stream_raft_group?: string;
  readonly config?: { readonly max_bytes?: number; readonly max_msgs?: number; readonly metadata?: Record<string, string> };
  readonly state: {
    readonly messages: number;
    readonly bytes: number;
    readonly first_seq: number;
    readonly last_seq: number;
    readonly consumer_count: number;
    readonly num_subjects?: number;
  };
  readonly consumer_detail?: ReadonlyArray<JszConsumer>;
}

interface JszConsumer {
  readonly name: string;
  readonly ts?: string;
  readonly config?: { readonly description?: string };
  readonly cluster?: { readonly leader?: string };
  readonly delivered: { readonly consumer_seq: number; readonly stream_seq: number; readonly last_active?: string };
  readonly ack_floor: { readonly consumer_seq: number; readonly stream_seq: number; readonly last_active?: string };
  readonly num_ack_pending: number;
  readonly num_redelivered: number;
  readonly num_waiting: number;
  readonly num_pending: number;
}

// jsz.go: help texts as the official exporter writes them.
function writeJsz(sink: MetricSink, jsz: Jsz, varz: JsonObject, serverId: string): void {
  const serverName = String(varz['server_name'] ?? '');
  const leader = jsz.meta_cluster?.leader ?? '';
  const isLeader = (l: string | undefined) => (l === undefined ? 'true' : String(l === serverName));
  const server = {
    server_id: serverId,
    server_name: serverName,
    cluster: jsz.meta_cluster?.name ?? '',
    domain: jsz.config?.domain ?? '',
    meta_leader: leader,
    is_meta_leader: jsz.meta_cluster ? String(leader === serverName) : 'true',
  };
  sink.gauge('jetstream_server_jetstream_disabled', 'JetStream disabled or not', server, jsz.disabled ? 1 : 0);
  sink.gauge('jetstream_server_max_memory', 'JetStream Max Memory', server, jsz.config?.max_memory ?? 0);
  sink.gauge('jetstream_server_max_storage', 'JetStream Max Storage', server, jsz.config?.max_storage ?? 0);
  sink.gauge('jetstream_server_total_streams', 'Total number of streams in JetStream', server, jsz.streams ?? 0);
  sink.gauge('jetstream_server_total_consumers', 'Total number of consumers in JetStream', server, jsz.consumers ?? 0);
  sink.gauge('jetstream_server_total_messages', 'Total number of stored messages in JetStream', server, jsz.messages ?? 0);
  sink.gauge('jetstream_server_total_message_bytes', 'Total number of bytes stored in JetStream', server, jsz.bytes ?? 0);

  for (const account of jsz.account_details ?? []) {
    const acc = { ...server, account: account.name, account_name: account.name, account_id: account.id };
    sink.gauge('jetstream_account_max_storage', 'JetStream Account Max Storage in bytes', acc, account.reserved_storage ?? 0);
    sink.gauge('jetstream_account_max_memory', 'JetStream Account Max Memory in bytes', acc, account.reserved_memory ?? 0);
    sink.gauge('jetstream_account_storage_used', 'Total number of bytes used by JetStream storage', acc, account.storage ?? 0);
    sink.gauge('jetstream_account_memory_used', 'Total number of bytes used by JetStream memory', acc, account.memory ?? 0);
    for (const stream of account.stream_detail ?? []) {
      const st = {
        ...acc,
        stream_name: stream.name,
        stream_leader: stream.cluster?.leader ?? '',
        is_stream_leader: stream.cluster ? isLeader(stream.cluster.leader) : 'true',
        stream_raft_group: stream.stream_raft_group ?? '',
      };
      sink.gauge('jetstream_stream_total_messages', 'Total number of messages from a stream', st, stream.state.messages);
      sink.gauge('jetstream_stream_total_bytes', 'Total stored bytes from a stream', st, stream.state.bytes);
      sink.gauge('jetstream_stream_first_seq', 'First sequence from a stream', st, stream.state.first_seq);
      sink.gauge('jetstream_stream_last_seq', 'Last sequence from a stream', st, stream.state.last_seq);
      sink.gauge('jetstream_stream_consumer_count', 'Total number of consumers from a stream', st, stream.state.consumer_count);
      sink.gauge('jetstream_stream_subject_count', 'Total number of subjects in a stream', st, stream.state.num_subjects ?? 0);
      if (stream.config) {
        sink.gauge('jetstream_stream_limit_bytes', 'The maximum configured storage limit (in bytes) for a JetStream stream. A value of -1 indicates no limit.', st, stream.config.max_bytes ?? -1);
        sink.gauge('jetstream_stream_limit_messages', 'The maximum number of messages allowed in a JetStream stream as per its configuration. A value of -1 indicates no limit.', st, stream.config.max_msgs ?? -1);
      }
      for (const consumer of stream.consumer_detail ?? []) {
        const co = {
          ...st,
          consumer_name: consumer.name,
          consumer_leader: consumer.cluster?.leader ?? '',
          is_consumer_leader: consumer.cluster ? isLeader(consumer.cluster.leader) : 'true',
          consumer_desc: consumer.config?.description ?? '',
        };
        const now = consumer.ts ? Date.parse(consumer.ts) : Date.now();
        if (consumer.delivered.last_active) {
          sink.gauge('jetstream_consumer_last_delivery_seconds', 'Seconds since last message delivery to consumer', co, (now - Date.parse(consumer.delivered.last_active)) / 1000);
        }
        if (consumer.ack_floor.last_active) {
          sink.gauge('jetstream_consumer_last_ack_seconds', 'Seconds since last ack from consumer', co, (now - Date.parse(consumer.ack_floor.last_active)) / 1000);
        }
        sink.gauge('jetstream_consumer_delivered_consumer_seq', 'Latest sequence number of a stream consumer', co, consumer.delivered.consumer_seq);
        sink.gauge('jetstream_consumer_delivered_stream_seq', 'Latest sequence number of a stream', co, consumer.delivered.stream_seq);
        sink.gauge('jetstream_consumer_num_ack_pending', 'Number of pending acks from a consumer', co, consumer.num_ack_pending);
        sink.gauge('jetstream_consumer_num_redelivered', 'Number of redelivered messages from a consumer', co, consumer.num_redelivered);
        sink.gauge('jetstream_consumer_num_waiting', 'Number of inflight fetch requests from a pull consumer', co, consumer.num_waiting);
        sink.gauge('jetstream_consumer_num_pending', 'Number of pending messages from a consumer', co, consumer.num_pending);
        sink.gauge('jetstream_consumer_ack_floor_stream_seq', 'Number of ack floor stream seq from a consumer', co, consumer.ack_floor.stream_seq);
        sink.gauge('jetstream_consumer_ack_floor_consumer_seq', 'Number of ack floor consumer seq from a consumer', co, consumer.ack_floor.consumer_seq);
      }
    }
  }
}

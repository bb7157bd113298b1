import { randomUUID } from 'node:crypto';
import { postEvents, queryEventsByType } from './app-api';
import { skip } from './outcome';
import { pollUntil } from '@qraft/retry';
import { PrometheusInNetwork, type PromSeries } from './prometheus-in-network';
import type { StackContext, StackMonitoring } from './stack-context';
import type { VerifyCheck } from './verify-check';

/**
 * Series each scrape job must deliver, by job name. The offline set's exporter serves the registry set's
 * names (jobs `nats` and `clickhouse` there, `nats-exporter` and `clickhouse` here), so one list serves both.
 */
export const KEY_SERIES: Readonly<Record<string, readonly string[]>> = {
  nats: ['gnatsd_varz_connections', 'gnatsd_varz_in_msgs', 'jetstream_server_total_streams', 'jetstream_consumer_num_pending'],
  'nats-exporter': ['gnatsd_varz_connections', 'gnatsd_varz_in_msgs', 'jetstream_server_total_streams', 'jetstream_consumer_num_pending'],
  // Not InsertedRows: ClickHouse 18.16 lists an event only once it happened, and a fresh stack has inserted nothing yet.
  clickhouse: ['ClickHouseMetrics_Query', 'ClickHouseProfileEvents_Query', 'ClickHouseProfileEvents_SelectQuery'],
  app: ['qraft_events_ingested_total', 'qraft_consumer_pending', 'qraft_nats_connected'],
  prometheus: ['prometheus_tsdb_head_series'],
  grafana: ['grafana_build_info'],
};

/** A rule's expression with every comparison against a number made a `bool` one: it returns its series whether or not it fires. */
export function alwaysReturning(expr: string): string {
  return expr.replace(/(==|!=|>=|<=|>|<)(?!\s*bool\b)(\s*)(?=-?[0-9.])/g, '$1 bool$2');
}

function monitoringOf(context: StackContext): StackMonitoring {
  if (!context.monitoring) skip('the stack context carries no monitoring model (built without @qraft/config)');
  return context.monitoring;
}

const sum = (series: PromSeries[] | Error): number | undefined => {
  if (series instanceof Error || series.length === 0) return undefined;
  return series.reduce((total, s) => total + Number(s.value[1]), 0);
};

/** Every scrape job of prometheus.yml has its target up and its key series in Prometheus. */
export const serviceTargetsWithSeries: VerifyCheck<StackContext> = {
  group: 'monitoring',
  name: 'Prometheus has each service as its own target, up, with its key series',
  run: async (context) => {
    const monitoring = monitoringOf(context);
    const prometheus = await PrometheusInNetwork.open(context);
    const queries = monitoring.scrapeJobs.flatMap((job) => [`up{job="${job}"}`, ...(KEY_SERIES[job] ?? []).map((m) => `count(${m}{job="${job}"})`)]);
    const found = await pollUntil(
      `targets ${monitoring.scrapeJobs.join(', ')} up with their key series`,
      async () => {
        const answers = await prometheus.query(queries);
        const missing = queries.filter((q, i) => {
          const value = sum(answers[i]!);
          return q.startsWith('up{') ? value !== 1 : value === undefined || value < 1;
        });
        if (missing.length > 0) throw new Error(`missing or down: ${missing.join(', ')}`);
        return monitoring.scrapeJobs.map((job) => `${job} (${(KEY_SERIES[job] ?? []).length} key series)`);
      },
      3 * monitoring.scrapeIntervalMs + 60_000,
    );
    return `up: ${found.join(', ')}`;
  },
};

/** Events published through the app move its ingest counter and ClickHouse's insert figures within two scrape intervals. */
export const publishingMovesCounters: VerifyCheck<StackContext> = {
  group: 'monitoring',
  name: "publishing events raises the app's ingest counter and ClickHouse's inserted rows within two scrape intervals",
  run: async (context) => {
    const monitoring = monitoringOf(context);
    if (!context.endpoints.app) skip('the app API is not published');
    const prometheus = await PrometheusInNetwork.open(context);
    const exprs = ['sum(qraft_events_ingested_total)', 'sum(ClickHouseProfileEvents_InsertedRows)'];
    // The app's counter exists from its start; InsertedRows only after ClickHouse's first insert on 18.16
    // (system.events lists events that happened; the built-in endpoint of current releases writes 0), so absent = 0.
    const read = async () => {
      const [ingested, inserted] = (await prometheus.query(exprs)).map(sum);
      return ingested === undefined ? undefined : [ingested, inserted ?? 0];
    };
    const before = await pollUntil("the app's ingest counter in Prometheus", read, 3 * monitoring.scrapeIntervalMs + 60_000);
    const type = `verify.monitoring.m${randomUUID().slice(0, 8)}`;
    const count = 20;
    await postEvents(context.endpoints.app, Array.from({ length: count }, (_, i) => ({ id: randomUUID(), type, source: 'qraft-verify', payload: { i } })));
    await pollUntil(`${count} events of ${type} stored`, async () => ((await queryEventsByType(context.endpoints.app!, type)).length >= count ? true : undefined), 60_000);
    const storedAt = Date.now();
    const limitMs = 2 * monitoring.scrapeIntervalMs;
    const after = await pollUntil(
      `Prometheus to show the ${count} events (ingested ≥ ${before[0]! + count}, inserted rows ≥ ${before[1]! + count})`,
      async () => {
        const values = await read();
        return values && values[0]! >= before[0]! + count && values[1]! >= before[1]! + count ? values : undefined;
      },
      limitMs,
    );
    return `ingested ${before[0]} → ${after[0]}, ClickHouse inserted rows ${before[1]} → ${after[1]}, seen ${((Date.now() - storedAt) / 1_000).toFixed(1)} s after storage (limit ${limitMs / 1_000} s)`;
  },
};

/** Every query of the provisioned dashboard returns series; registry-only panels are named and were checked statically. */
export const dashboardQueriesReturnData: VerifyCheck<StackContext> = {
  group: 'monitoring',
  name: 'every overview dashboard query returns series',
  run: async (context) => {
    const monitoring = monitoringOf(context);
    const prometheus = await PrometheusInNetwork.open(context);
    const live = monitoring.dashboardQueries.filter((q) => !(q.registryOnly && monitoring.imageSet === 'offline'));
    const registryOnly = monitoring.dashboardQueries.filter((q) => q.registryOnly && monitoring.imageSet === 'offline');
    await pollUntil(
      `${live.length} dashboard queries to return series`,
      async () => {
        const answers = await prometheus.query(live.map((q) => q.expr));
        const empty = live.filter((_, i) => { const a = answers[i]!; return a instanceof Error || a.length === 0; });
        if (empty.length > 0) throw new Error(`no data: ${empty.map((q) => `${q.panel}: ${q.expr}`).join('; ')}`);
        return true;
      },
      4 * monitoring.scrapeIntervalMs + 60_000,
    );
    const note = registryOnly.length > 0 ? `; registry set only (checked statically): ${registryOnly.map((q) => q.panel).join(', ')}` : '';
    return `${live.length} queries return series${note}`;
  },
};

/** Every loaded alert rule is healthy and its expression (comparisons made `bool`) returns series on this Prometheus. */
export const alertRulesReturnSeries: VerifyCheck<StackContext> = {
  group: 'monitoring',
  name: 'every alert rule loads, evaluates and has series to evaluate',
  run: async (context) => {
    const monitoring = monitoringOf(context);
    const prometheus = await PrometheusInNetwork.open(context);
    const [body] = await prometheus.get(['/api/v1/rules?type=alert']);
    const rules = ((body as { data?: { groups?: Array<{ rules: Array<{ name: string; query: string; health: string; lastError?: string }> }> } }).data?.groups ?? []).flatMap((g) => g.rules);
    if (rules.length === 0) throw new Error('Prometheus has loaded no alert rules — is alerts.yml in rule_files?');
    await pollUntil(
      `${rules.length} alert rules to evaluate with series`,
      async () => {
        const answers = await prometheus.query(rules.map((r) => alwaysReturning(r.query)));
        const [again] = await prometheus.get(['/api/v1/rules?type=alert']);
        const unhealthy = ((again as typeof body & { data?: { groups?: Array<{ rules: Array<{ name: string; health: string; lastError?: string }> }> } }).data?.groups ?? [])
          .flatMap((g) => g.rules)
          .filter((r) => r.health === 'err');
        if (unhealthy.length > 0) throw new Error(`rules failing to evaluate: ${unhealthy.map((r) => `${r.name} (${r.lastError})`).join('; ')}`);
        const empty = rules.filter((_, i) => { const a = answers[i]!; return a instanceof Error || a.length === 0; });
        if (empty.length > 0) throw new Error(`no series: ${empty.map((r) => `${r.name}: ${alwaysReturning(r.query)}`).join('; ')}`);
        return true;
      },
      4 * monitoring.scrapeIntervalMs + 60_000,
    );
    return `${rules.length} rules healthy, each expression returns series: ${rules.map((r) => r.name).join(', ')}`;
  },
};

/** Prometheus lets in only the stack's login, and even that login cannot reach an admin API (it is not enabled). */
export const prometheusWantsLogin: VerifyCheck<StackContext> = {
  group: 'monitoring',
  name: 'Prometheus answers 401 without its login, 200 with it, and refuses the admin API',
  run: async (context) => {
    if (!context.prometheus) throw new Error('no Prometheus login in secrets/ (prometheus_password) — run `pnpm nx run config:secrets` or `infra:up`, which create it');
    const prometheus = await PrometheusInNetwork.open(context);
    const query = `/api/v1/query?query=${encodeURIComponent('up')}`;
    const [anonymous, withLogin, snapshot, deleteSeries] = await prometheus.send([
      { path: query, login: false },
      { path: query },
      { path: '/api/v1/admin/tsdb/snapshot', method: 'POST' },
      { path: `/api/v1/admin/tsdb/delete_series?match[]=${encodeURIComponent('up')}`, method: 'POST' },
    ]);
    const problems = [
      anonymous!.status === 401 ? undefined : `without a login the API answered HTTP ${anonymous!.status}, expected 401`,
      withLogin!.status === 200 ? undefined : `with the stack's login the API answered HTTP ${withLogin!.status}: ${JSON.stringify(withLogin!.body).slice(0, 200)}`,
      snapshot!.status >= 200 && snapshot!.status < 300 ? `POST admin/tsdb/snapshot was accepted (HTTP ${snapshot!.status}) — the admin API is on` : undefined,
      deleteSeries!.status >= 200 && deleteSeries!.status < 300 ? `POST admin/tsdb/delete_series was accepted (HTTP ${deleteSeries!.status})` : undefined,
    ].filter((p): p is string => p !== undefined);
    if (problems.length > 0) throw new Error(problems.join('; '));
    return `no login: 401; login ${context.prometheus.user}: 200; admin snapshot: HTTP ${snapshot!.status}, delete_series: HTTP ${deleteSeries!.status} (admin API off)`;
  },
};

export const monitoringChecks: ReadonlyArray<VerifyCheck<StackContext>> = [prometheusWantsLogin, serviceTargetsWithSeries, publishingMovesCounters, dashboardQueriesReturnData, alertRulesReturnSeries];

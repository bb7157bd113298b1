import { ProbeFailure, type ProbeOptions, type ProbeResult } from './probe-result';
import { parseUrl, runProbe } from './run-probe';

export interface GrafanaProbeOptions extends ProbeOptions {
  /** `http://host:3000` */
  readonly url: string;
  /** Admin (or viewer with datasource read) credentials; without them only `/api/health` is checked. */
  readonly user?: string;
  readonly password?: string;
}

interface Datasource {
  readonly uid: string;
  readonly name: string;
  readonly type: string;
}

/**
 * `/api/health` (database ok), then each datasource's health via
 * `/api/datasources/uid/:uid/health` — `degraded` names the ones that fail.
 * Validated against Grafana's documented API shapes only: no Grafana server can run here.
 */
export function probeGrafana(options: GrafanaProbeOptions): Promise<ProbeResult> {
  return runProbe('grafana', options.url, options, async ({ signal }) => {
    const base = parseUrl(options.url, ['http:', 'https:'], 'grafana');
    const health = await fetch(new URL('/api/health', base), { signal });
    const healthBody = (await health.json().catch(() => ({}))) as { database?: string; version?: string };
    if (!health.ok || healthBody.database !== 'ok') {
      throw new ProbeFailure(
        'down',
        `grafana at ${options.url}: /api/health answered HTTP ${health.status}, database "${healthBody.database ?? '?'}" — check its data volume and logs`,
      );
    }
    const version = healthBody.version ? `grafana ${healthBody.version}` : 'grafana';
    if (options.user === undefined || options.password === undefined) {
      return `${version}, database ok (datasources not checked: no credentials given)`;
    }
    const headers = { authorization: `Basic ${Buffer.from(`${options.user}:${options.password}`).toString('base64')}` };
    const list = await fetch(new URL('/api/datasources', base), { signal, headers });
    if (list.status === 401 || list.status === 403) {
      await list.body?.cancel();
      throw new ProbeFailure(
        'down',
        `grafana at ${options.url} refused the credentials of user "${options.user}" — check QRAFT_GRAFANA_USER and QRAFT_GRAFANA_PASSWORD_FILE`,
        `${version}, database ok, authentication refused`,
      );
    }
    if (!list.ok) throw new ProbeFailure('degraded', `grafana at ${options.url}: /api/datasources answered HTTP ${list.status}`);
    const datasources = (await list.json()) as Datasource[];
    const failing: string[] = [];
    await Promise.all(
      datasources.map(async (ds) => {
        const r = await fetch(new URL(`/api/datasources/uid/${encodeURIComponent(ds.uid)}/health`, base), { signal, headers });
        const body = (await r.json().catch(() => ({}))) as { status?: string; message?: string };
        if (!r.ok || body.status !== 'OK') failing.push(`${ds.name} (${ds.type}): ${body.message ?? `HTTP ${r.status}`}`);
      }),
    );
    const summary = `${version}, database ok, ${datasources.length - failing.length}/${datasources.length} datasources reachable`;
    if (failing.length > 0) {
      throw new ProbeFailure('degraded', `grafana at ${options.url}: datasources failing: ${failing.sort().join('; ')}`, summary);
    }
    return summary;
  });
}

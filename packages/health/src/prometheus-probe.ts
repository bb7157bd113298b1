import { ProbeFailure, type ProbeOptions, type ProbeResult } from './probe-result';
import { parseUrl, runProbe } from './run-probe';

export interface PrometheusProbeOptions extends ProbeOptions {
  /** `http://host:9090` */
  readonly url: string;
  /** Basic auth (the stack's Prometheus has web.config.file users); without them only an open Prometheus answers. */
  readonly user?: string;
  readonly password?: string;
}

interface ActiveTarget {
  readonly labels?: Readonly<Record<string, string>>;
  readonly scrapeUrl?: string;
  readonly health?: string;
  readonly lastError?: string;
}

/** `/-/ready`, then every active scrape target must be up; `degraded` lists those that are not. */
export function probePrometheus(options: PrometheusProbeOptions): Promise<ProbeResult> {
  return runProbe('prometheus', options.url, options, async ({ signal }) => {
    const base = parseUrl(options.url, ['http:', 'https:'], 'prometheus');
    const headers: Record<string, string> =
      options.user !== undefined && options.password !== undefined
        ? { authorization: `Basic ${Buffer.from(`${options.user}:${options.password}`).toString('base64')}` }
        : {};
    const ready = await fetch(new URL('/-/ready', base), { signal, headers });
    const readyBody = await ready.text();
    if (ready.status === 401) {
      throw new ProbeFailure(
        'down',
        options.user === undefined
          ? `prometheus at ${options.url} wants basic auth (HTTP 401) — give --user qraft --password-file secrets/prometheus_password (or QRAFT_PROMETHEUS_USER and QRAFT_PROMETHEUS_PASSWORD_FILE)`
          : `prometheus at ${options.url} refused user "${options.user}" (HTTP 401) — check the password file against secrets/prometheus_password`,
        'HTTP 401',
      );
    }
    if (!ready.ok) {
      throw new ProbeFailure(
        'down',
        `prometheus at ${options.url}: /-/ready answered HTTP ${ready.status} (${readyBody.trim().slice(0, 80)}) — still replaying its WAL, or not Prometheus on this port`,
      );
    }
    const response = await fetch(new URL('/api/v1/targets?state=active', base), { signal, headers });
    if (!response.ok) {
      throw new ProbeFailure('degraded', `prometheus at ${options.url}: /api/v1/targets answered HTTP ${response.status}`, 'ready');
    }
    const body = (await response.json()) as { data?: { activeTargets?: ActiveTarget[] } };
    const targets = body.data?.activeTargets ?? [];
    if (targets.length === 0) {
      // Service discovery hands its first target set over ~5 s after start; until then the list is empty.
      throw new ProbeFailure(
        'degraded',
        `prometheus at ${options.url} has no active scrape targets yet — discovery needs ~5 s after start; if it persists, check scrape_configs`,
        'ready, 0 targets',
      );
    }
    const notUp = targets.filter((t) => t.health !== 'up');
    const summary = `ready, ${targets.length - notUp.length}/${targets.length} targets up`;
    if (notUp.length > 0) {
      const list = notUp.map((t) => {
        const name = `${t.labels?.['job'] ?? '?'}/${t.labels?.['instance'] ?? t.scrapeUrl ?? '?'}`;
        return t.health === 'unknown' ? `${name} (not scraped yet)` : `${name} (${t.lastError || t.health})`;
      });
      throw new ProbeFailure('degraded', `prometheus at ${options.url}: targets not up: ${list.join('; ')}`, summary);
    }
    return summary;
  });
}

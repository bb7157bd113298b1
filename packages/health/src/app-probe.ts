import { ProbeFailure, type ProbeOptions, type ProbeResult } from './probe-result';
import { parseUrl, runProbe } from './run-probe';

export interface AppProbeOptions extends ProbeOptions {
  /** The app's base URL (`http://127.0.0.1:8080`) or its `/readyz` URL. */
  readonly url: string;
  /**
   * Asks the app to answer once its start-up has finished, waiting at most this long (`/readyz?wait_ms=`), so a gate
   * learns the moment it is ready from one request rather than at its next poll. Keep it under the attempt's time
   * limit. An app that does not know the parameter answers at once, as without it.
   */
  readonly waitMs?: number;
}

/** What `/readyz` answers: the JSON of a HealthReport (`reportToJson`), or any `{ status }` object. */
interface ReadyzBody {
  readonly status?: string;
  readonly checks?: ReadonlyArray<{ readonly name?: string; readonly state?: string; readonly ok?: boolean; readonly error?: string }>;
}

/** The app's `/readyz`: 200 is up (unless it says degraded), anything else down, naming its failing checks. */
export function probeApp(options: AppProbeOptions): Promise<ProbeResult> {
  return runProbe('app', options.url, options, async ({ signal }) => {
    const base = parseUrl(options.url, ['http:', 'https:'], 'app');
    const url = base.pathname.endsWith('/readyz') ? base : new URL('/readyz', base);
    if (options.waitMs !== undefined) url.searchParams.set('wait_ms', String(Math.max(0, Math.round(options.waitMs))));
    const response = await fetch(url, { signal, headers: { accept: 'application/json' } });
    const text = await response.text();
    let body: ReadyzBody = {};
    try {
      body = JSON.parse(text) as ReadyzBody;
    } catch {
      // A plain-text /readyz still has a meaningful status code.
    }
    const failing = (body.checks ?? [])
      .filter((c) => c.ok === false || (c.state !== undefined && c.state !== 'up'))
      .map((c) => `${c.name ?? '?'}: ${c.error ?? c.state ?? 'not ok'}`);
    const summary = `HTTP ${response.status}${body.status ? `, status ${body.status}` : ''}`;
    if (!response.ok) {
      const why = failing.length > 0 ? failing.join('; ') : text.trim().slice(0, 160) || 'no reason given';
      throw new ProbeFailure('down', `app at ${options.url} is not ready (HTTP ${response.status}): ${why}`, summary);
    }
    if (body.status === 'degraded' || body.status === 'down' || failing.length > 0) {
      throw new ProbeFailure(
        'degraded',
        `app at ${options.url} is serving but reports: ${failing.join('; ') || `status ${body.status}`}`,
        summary,
      );
    }
    return summary;
  });
}

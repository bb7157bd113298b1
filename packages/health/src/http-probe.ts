import { ProbeFailure, type ProbeOptions, type ProbeResult } from './probe-result';
import { parseUrl, runProbe } from './run-probe';

export interface HttpProbeOptions extends ProbeOptions {
  readonly url: string;
  /** Expected status (default: any 2xx). */
  readonly expectStatus?: number;
  /** Extra condition on the body; return false (or a reason string) to report `degraded`. */
  readonly bodyPredicate?: (body: string) => boolean | string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Service name used in messages (default "http"). */
  readonly name?: string;
}

/** GET `url`: up when the status matches and the body predicate (if any) holds. */
export function probeHttp(options: HttpProbeOptions): Promise<ProbeResult> {
  const what = options.name ?? 'http';
  return runProbe(what, options.url, options, async ({ signal }) => {
    const url = parseUrl(options.url, ['http:', 'https:'], what);
    const response = await fetch(url, { signal, headers: options.headers, redirect: 'manual' });
    const body = await response.text();
    const statusOk = options.expectStatus === undefined ? response.ok : response.status === options.expectStatus;
    if (!statusOk) {
      const expected = options.expectStatus ?? '2xx';
      throw new ProbeFailure(
        'down',
        `${what} at ${options.url} answered HTTP ${response.status}, expected ${expected}${snippet(body)}`,
        `HTTP ${response.status}`,
      );
    }
    if (options.bodyPredicate) {
      const verdict = options.bodyPredicate(body);
      if (verdict !== true) {
        const reason = typeof verdict === 'string' ? verdict : `the body did not match${snippet(body)}`;
        throw new ProbeFailure('degraded', `${what} at ${options.url}: ${reason}`, `HTTP ${response.status}`);
      }
    }
    return `HTTP ${response.status}`;
  });
}

function snippet(body: string): string {
  const text = body.trim().replace(/\s+/g, ' ');
  return text ? `: ${text.length > 160 ? `${text.slice(0, 160)}…` : text}` : '';
}

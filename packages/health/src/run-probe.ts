import { describeError, redactUrl } from './describe-error';
import { DEFAULT_PROBE_TIMEOUT_MS, ProbeFailure, type ProbeOptions, type ProbeResult } from './probe-result';

export interface ProbeContext {
  /** Aborts on the caller's signal or the probe's own time limit. */
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
}

/**
 * The frame every probe runs in: one time limit, latency measured, and any failure turned into a
 * `down` (or `degraded`, via ProbeFailure) result — so no probe can throw.
 */
export async function runProbe(
  what: string,
  target: string,
  options: ProbeOptions,
  body: (ctx: ProbeContext) => Promise<string>,
): Promise<ProbeResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const started = performance.now();
  const latency = () => Math.round((performance.now() - started) * 10) / 10;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    if (options.signal?.aborted) throw options.signal.reason;
    const detail = await abortable(body({ signal, timeoutMs }), signal);
    return { ok: true, state: 'up', latencyMs: latency(), detail };
  } catch (error) {
    const message = describeError(error, {
      what,
      target: redactUrl(target),
      timeoutMs,
      cancelled: options.signal?.aborted === true && !timeout.aborted,
    });
    if (error instanceof ProbeFailure) {
      return { ok: false, state: error.state, latencyMs: latency(), detail: error.detail || message, error: message };
    }
    return { ok: false, state: 'down', latencyMs: latency(), detail: 'unreachable', error: message };
  }
}

/** Settles with `promise` or rejects as soon as `signal` aborts, whichever is first. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Validates a URL once, up front; `protocols` like `['http:', 'https:']`. */
export function parseUrl(url: string, protocols: readonly string[], what: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ProbeFailure('down', `${what}: "${url}" is not a URL — expected e.g. ${protocols[0]}//127.0.0.1:PORT`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ProbeFailure(
      'down',
      `${what}: "${url}" uses ${parsed.protocol.replace(':', '')}, expected ${protocols.map((p) => p.replace(':', '')).join(' or ')}`,
    );
  }
  return parsed;
}

import { ProbeFailure } from './probe-result';

/** The first `code` found on an error or its causes (fetch wraps socket errors in `cause`). */
function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
  }
  return undefined;
}

function innermostMessage(error: unknown): string {
  let e: unknown = error;
  while ((e as { cause?: unknown })?.cause instanceof Error) e = (e as { cause: unknown }).cause;
  return e instanceof Error ? e.message : String(e);
}

export interface ErrorContext {
  /** Service name as a user knows it: `nats`, `clickhouse`, `http`. */
  readonly what: string;
  /** The URL or host:port that was dialled, credentials removed. */
  readonly target: string;
  readonly timeoutMs: number;
  /** True when the caller's own signal (not the probe's timeout) aborted. */
  readonly cancelled: boolean;
}

/**
 * Turns a low-level failure (ECONNREFUSED, a DNS miss, an abort) into a sentence that names the
 * service, the address and the likely fix — the one thing a person reads when a check is red.
 */
export function describeError(error: unknown, ctx: ErrorContext): string {
  if (error instanceof ProbeFailure) return error.message;
  const at = `${ctx.what} at ${ctx.target}`;
  if (ctx.cancelled) return `${at}: check cancelled before it finished`;
  const name = (error as { name?: string })?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return `${at}: no answer within ${ctx.timeoutMs} ms — is the server starting, overloaded, or the port not published?`;
  }
  switch (errorCode(error)) {
    case 'ECONNREFUSED':
      return `${at}: connection refused — is the server running?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `${at}: host name does not resolve — from the host use 127.0.0.1 and the published port; inside the stack's network use the service name`;
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return `${at}: the connection was closed mid-request — the server may be restarting or this is the wrong port for this protocol`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${at}: network unreachable — check the address and that the container network exists`;
    case 'ETIMEDOUT':
      return `${at}: no answer within ${ctx.timeoutMs} ms — is the server starting, overloaded, or the port not published?`;
  }
  const message = innermostMessage(error);
  if (message === 'bad port') return `${at}: fetch refuses to dial this port (it is on the WHATWG bad-ports list) — use another port`;
  return `${at}: ${message}`;
}

/** `http://user:secret@host/` → `http://host/`, so errors and reports never print a password. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

import { pollUntil } from '@qraft/retry';

/**
 * Polls `attempt` until it resolves true (a throw counts as false), pausing 20 ms doubling up to 250 ms; throws
 * once at the deadline, naming `what` and the time waited.
 */
export async function waitFor(what: string, attempt: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  await pollUntil(what, async () => ((await attempt()) ? true : undefined), timeoutMs, { backoff: { initialMs: 20, maxMs: 250 } });
}

/** True when an HTTP GET answers 2xx. */
export async function httpOk(url: string, init?: RequestInit): Promise<boolean> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(2_000) });
  await response.arrayBuffer();
  return response.ok;
}

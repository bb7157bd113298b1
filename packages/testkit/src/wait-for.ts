import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `attempt` until it resolves true; throws once, naming `what` and the time waited. */
export async function waitFor(what: string, attempt: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  let delayMs = 20;
  while (Date.now() - started < timeoutMs) {
    if (await attempt().catch(() => false)) return;
    await sleep(delayMs);
    delayMs = Math.min(delayMs * 2, 250);
  }
  throw new Error(`${what} did not become ready within ${timeoutMs} ms`);
}

/** True when an HTTP GET answers 2xx. */
export async function httpOk(url: string, init?: RequestInit): Promise<boolean> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(2_000) });
  await response.arrayBuffer();
  return response.ok;
}

import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `attempt` until it returns a value, backing off from 100 ms to 1 s; throws once at the deadline
 * with `what` and the last reason. (Checks wait on eventual facts: a scrape, a batch flush.)
 */
export async function pollUntil<T>(what: string, attempt: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let delayMs = 100;
  let last = 'no attempt finished';
  while (Date.now() < deadline) {
    try {
      const value = await attempt();
      if (value !== undefined) return value;
      last = 'not yet';
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(Math.min(delayMs, Math.max(0, deadline - Date.now())));
    delayMs = Math.min(delayMs * 2, 1_000);
  }
  throw new Error(`${what} did not happen within ${timeoutMs / 1_000} s (last: ${last})`);
}

/** Time as the retry logic sees it; tests inject a FakeClock so no test waits on real time. */
export interface Clock {
  /** Milliseconds on a monotonic scale (only differences matter). */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason if it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      // Not unref()ed: somebody awaits this sleep, and an unref()ed one lets Node exit mid-wait
      // (exit code 0, nothing printed) when the wait is the only work left — as in `infra:up`.
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

import type { Clock } from './clock';

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly resolve: () => void;
}

/**
 * Virtual time for tests. Time moves only when every pending promise has settled and someone
 * sleeps: the clock then jumps to the earliest timer and fires it, one at a time, so code under
 * test runs exactly as it would in real time — only instantly and deterministically.
 */
export class FakeClock implements Clock {
  private nowMs: number;
  private seq = 0;
  private timers: Timer[] = [];
  private pumpScheduled = false;
  /** Every sleep requested, in order, for assertions on back-off. */
  readonly sleeps: number[] = [];

  constructor(startMs = 0) {
    this.nowMs = startMs;
  }

  now(): number {
    return this.nowMs;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer: Timer = {
        at: this.nowMs + Math.max(0, ms),
        seq: this.seq++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.timers = this.timers.filter((t) => t !== timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.timers.push(timer);
      this.schedulePump();
    });
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    // setImmediate runs after all pending microtasks: the code under test is idle, waiting on timers.
    setImmediate(() => {
      this.pumpScheduled = false;
      const next = [...this.timers].sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) return;
      this.timers = this.timers.filter((t) => t !== next);
      this.nowMs = Math.max(this.nowMs, next.at);
      next.resolve();
      if (this.timers.length > 0) this.schedulePump();
    });
  }
}

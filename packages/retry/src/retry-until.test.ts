import { FakeClock } from './fake-clock';
import { backoffDelay, retryUntil, RetryTimeoutError } from './retry-until';

const noJitter = { initialMs: 25, maxMs: 250, factor: 2, jitter: 0 };

describe('retryUntil (fake clock)', () => {
  it('returns the first value that satisfies the predicate, without pausing after it', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const value = await retryUntil(async () => ++calls, (n) => n === 3, {
      timeoutMs: 10_000,
      attemptTimeoutMs: 5_000,
      clock,
      backoff: noJitter,
    });
    expect(value).toBe(3);
    // The clock also sees each attempt's 5 s time limit; the pauses are the rest.
    expect(clock.sleeps.filter((ms) => ms !== 5_000)).toEqual([25, 50]);
    expect(clock.now()).toBe(75);
  });

  it('backs off exponentially up to maxMs', async () => {
    const clock = new FakeClock();
    await expect(
      retryUntil(async () => false, (ok) => ok, { timeoutMs: 1_000, clock, backoff: noJitter, attemptTimeoutMs: 5_000 }),
    ).rejects.toBeInstanceOf(RetryTimeoutError);
    const pauses = clock.sleeps.filter((ms) => ms !== 5_000 && ms <= 250);
    expect(pauses.slice(0, 6)).toEqual([25, 50, 100, 200, 250, 250]);
  });

  it('spreads pauses by the jitter fraction in both directions and never beyond maxMs', () => {
    const backoff = { initialMs: 100, maxMs: 1_000, factor: 2, jitter: 0.5 };
    expect(backoffDelay(1, backoff, () => 0)).toBe(50);
    expect(backoffDelay(1, backoff, () => 1)).toBe(150);
    expect(backoffDelay(2, backoff, () => 0.5)).toBe(200);
    expect(backoffDelay(10, backoff, () => 1)).toBe(1_000);
  });

  it('swallows a failing attempt and keeps trying', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const value = await retryUntil(
      async () => {
        if (++calls < 3) throw new Error('connection refused');
        return 'up';
      },
      (v) => v === 'up',
      { timeoutMs: 10_000, clock, backoff: noJitter },
    );
    expect(value).toBe('up');
    expect(calls).toBe(3);
  });

  it('throws only at the deadline, once, naming the target, the time waited and the last error', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const error = await retryUntil(
      async () => {
        calls++;
        throw new Error('connection refused');
      },
      () => true,
      { timeoutMs: 2_000, clock, backoff: noJitter, what: 'nats' },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryTimeoutError);
    const timeout = error as RetryTimeoutError;
    expect(timeout.waitedMs).toBe(2_000);
    expect(timeout.attempts).toBe(calls);
    expect(timeout.message).toBe(
      `nats was not satisfied within 2000 ms after ${calls} attempts — last attempt failed: connection refused`,
    );
    expect(clock.now()).toBe(2_000);
  });

  it('aborts an attempt that overruns attemptTimeoutMs through its signal and tries again', async () => {
    const clock = new FakeClock();
    const aborted: string[] = [];
    let calls = 0;
    const value = await retryUntil(
      (signal) => {
        calls++;
        if (calls === 1) {
          // Hangs until its signal fires, like a probe against a blackholed port.
          return new Promise<string>((_, reject) =>
            signal.addEventListener('abort', () => {
              aborted.push((signal.reason as Error).message);
              reject(signal.reason);
            }),
          );
        }
        return Promise.resolve('up');
      },
      (v) => v === 'up',
      { timeoutMs: 10_000, attemptTimeoutMs: 500, clock, backoff: noJitter },
    );
    expect(value).toBe('up');
    expect(aborted).toEqual(['attempt 1 took longer than 500 ms']);
    expect(clock.now()).toBe(525);
  });

  it('never lets an attempt run past the overall deadline', async () => {
    const clock = new FakeClock();
    const error = await retryUntil(
      (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
      () => true,
      { timeoutMs: 300, attemptTimeoutMs: 60_000, clock },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryTimeoutError);
    expect(clock.now()).toBe(300);
  });

  it('stops with the caller’s reason when its signal aborts', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    let calls = 0;
    const run = retryUntil(
      async () => {
        if (++calls === 2) controller.abort(new Error('shutting down'));
        return false;
      },
      (ok) => ok,
      { timeoutMs: 10_000, clock, signal: controller.signal },
    );
    await expect(run).rejects.toThrow('shutting down');
    expect(calls).toBe(2);
  });

  it('rejects impossible options before the first attempt', async () => {
    let calls = 0;
    const fn = async () => ++calls;
    await expect(retryUntil(fn, () => true, { timeoutMs: 0 })).rejects.toThrow('timeoutMs must be > 0');
    await expect(retryUntil(fn, () => true, { timeoutMs: 1_000, backoff: { factor: 0.5 } })).rejects.toThrow(
      'backoff.factor must be >= 1',
    );
    await expect(retryUntil(fn, () => true, { timeoutMs: 1_000, backoff: { jitter: 2 } })).rejects.toThrow(
      'backoff.jitter must be within 0..1',
    );
    expect(calls).toBe(0);
  });
});

import { FakeClock } from './fake-clock';
import { retryUntilDone } from './retry-until-done';

describe('retryUntilDone (fake clock)', () => {
  it('keeps trying with doubling pauses capped at maxDelayMs, reporting each failure, until an attempt succeeds', async () => {
    const clock = new FakeClock();
    const failures: Array<[string, number, number]> = [];
    const numbers: number[] = [];
    let calls = 0;
    const value = await retryUntilDone(
      async (attempt) => {
        numbers.push(attempt);
        if (++calls < 6) throw new Error(`refused ${calls}`);
        return 'connected';
      },
      { clock, maxDelayMs: 500, onFailure: (error, attempt, delayMs) => failures.push([(error as Error).message, attempt, delayMs]) },
    );
    expect(value).toBe('connected');
    expect(failures).toEqual([
      ['refused 1', 1, 100],
      ['refused 2', 2, 200],
      ['refused 3', 3, 400],
      ['refused 4', 4, 500],
      ['refused 5', 5, 500],
    ]);
    // Each attempt knows its number (the app gives early ones a shorter time limit).
    expect(numbers).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('has no deadline: it is still retrying after an hour of virtual time', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const value = await retryUntilDone(
      async () => {
        if (clock.now() < 3_600_000) throw new Error(`down (${++calls})`);
        return calls;
      },
      { clock },
    );
    expect(value).toBeGreaterThan(700);
  });

  it('rejects with the signal’s reason when the caller stops it', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    const run = retryUntilDone(
      async () => {
        if (clock.now() >= 1_000) controller.abort(new Error('shutting down'));
        throw new Error('down');
      },
      { clock, signal: controller.signal },
    );
    await expect(run).rejects.toThrow('shutting down');
  });
});

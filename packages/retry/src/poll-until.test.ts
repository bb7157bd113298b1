import { FakeClock } from './fake-clock';
import { pollUntil } from './poll-until';
import { RetryTimeoutError } from './retry-until';

describe('pollUntil (fake clock)', () => {
  it('returns the first value that is not undefined, treating a throw as not yet', async () => {
    const clock = new FakeClock();
    const answers = [undefined, 'boom', undefined, 42];
    const value = await pollUntil(
      'the answer',
      async () => {
        const next = answers.shift();
        if (next === 'boom') throw new Error('connection reset');
        return next as number | undefined;
      },
      10_000,
      { clock },
    );
    expect(value).toBe(42);
    expect(clock.sleeps.filter((ms) => ms < 1_000)).toEqual([100, 200, 400]);
  });

  it('names the target and the last failure at the deadline', async () => {
    const clock = new FakeClock();
    const error = await pollUntil('the marker event to be stored', async () => Promise.reject(new Error('HTTP 503')), 5_000, { clock }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryTimeoutError);
    expect((error as Error).message).toMatch(/^the marker event to be stored was not satisfied within 5000 ms after \d+ attempts — last attempt failed: HTTP 503$/);
    expect(clock.now()).toBe(5_000);
  });
});

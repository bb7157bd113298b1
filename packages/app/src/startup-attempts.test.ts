import { logsAttempt, startupAttemptTimeoutMs } from './startup-attempts';

describe('start-up attempts', () => {
  it('give the first six attempts 250 ms each, then double the limit up to 5 s', () => {
    expect(Array.from({ length: 11 }, (_, i) => startupAttemptTimeoutMs(i + 1))).toEqual([250, 250, 250, 250, 250, 250, 500, 1_000, 2_000, 5_000, 5_000]);
  });

  it('log the first six failures, then every tenth', () => {
    expect(Array.from({ length: 30 }, (_, i) => i + 1).filter(logsAttempt)).toEqual([1, 2, 3, 4, 5, 6, 10, 20, 30]);
  });
});

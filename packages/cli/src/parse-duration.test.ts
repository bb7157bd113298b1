import { parseDuration } from './parse-duration';
import { UsageError } from './usage-error';

describe('parseDuration', () => {
  it('reads milliseconds, seconds and minutes', () => {
    expect(parseDuration('1500ms', '--timeout')).toBe(1_500);
    expect(parseDuration('90s', '--timeout')).toBe(90_000);
    expect(parseDuration('2m', '--timeout')).toBe(120_000);
    expect(parseDuration('0.5s', '--wait')).toBe(500);
  });

  it('refuses a bare number, naming both readings so the unit gets written', () => {
    expect(() => parseDuration('60', '--wait')).toThrow(new UsageError('--wait "60" has no unit — write 60s for seconds or 60ms for milliseconds'));
  });

  it('refuses text and zero with a usage error naming the source', () => {
    expect(() => parseDuration('soon', 'QRAFT_UP_TIMEOUT')).toThrow('QRAFT_UP_TIMEOUT "soon" is not a duration — write e.g. 90s, 2m or 1500ms');
    expect(() => parseDuration('0s', '--timeout')).toThrow('--timeout "0s" must be longer than 0');
  });
});

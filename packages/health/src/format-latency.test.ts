import { formatLatency } from './format-latency';

describe('formatLatency', () => {
  it('shows milliseconds below one second and seconds above', () => {
    expect(formatLatency(12.4)).toBe('12 ms');
    expect(formatLatency(1_250)).toBe('1.25 s');
  });
});

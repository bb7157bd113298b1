import { formatLatency } from '@qraft/health';
import { APP_NAME } from './index';

describe('app package', () => {
  it('resolves workspace packages from source', () => {
    expect(APP_NAME).toBe('qraft-app');
    expect(formatLatency(5)).toBe('5 ms');
  });
});

import { normalizeOptions } from './stack-options';

describe('stack options', () => {
  it('fills every option from flags first, then QRAFT_* variables, then defaults', () => {
    const options = normalizeOptions({ images: 'offline' }, { QRAFT_ENGINE: 'podman', QRAFT_IMAGE_SET: 'registry', QRAFT_UP_TIMEOUT: '2m' });
    expect(options).toMatchObject({ engine: 'podman', imageSet: 'offline', variant: 'dev', timeoutMs: 120_000, json: false });
    expect(normalizeOptions({}, {}).imageSet).toBe('offline');
  });

  it('rejects a malformed timeout and names where it came from', () => {
    expect(() => normalizeOptions({}, { QRAFT_UP_TIMEOUT: 'soon' })).toThrow('QRAFT_UP_TIMEOUT "soon" is not a duration — write e.g. 90s, 2m or 1500ms');
    expect(() => normalizeOptions({ timeout: '90' }, {})).toThrow('--timeout "90" has no unit — write 90s for seconds or 90ms for milliseconds');
  });
});

import { parseVerifyOptions } from './verify-options';

describe('verify options', () => {
  it('defaults to the offline dev stack on the engine `up` detects and hands the same flags to the hint', () => {
    expect(parseVerifyOptions({}, {})).toEqual({
      engine: undefined,
      imageSet: 'offline',
      variant: 'dev',
      timeoutMs: 180_000,
      json: false,
      help: false,
      stackFlags: ['--images', 'offline', '--variant', 'dev'],
    });
  });

  it('reads QRAFT_* when no flag is given', () => {
    const options = parseVerifyOptions({ json: true }, { QRAFT_ENGINE: 'podman-compose', QRAFT_VARIANT: 'prod' });
    expect(options).toMatchObject({ engine: 'podman-compose', variant: 'prod', json: true });
  });

  it('rejects a timeout that is not a duration', () => {
    expect(() => parseVerifyOptions({ timeout: 'soon' }, {})).toThrow('--timeout "soon" is not a duration — write e.g. 90s, 2m or 1500ms');
  });
});

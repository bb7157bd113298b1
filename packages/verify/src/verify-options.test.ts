import { parseVerifyOptions } from './verify-options';

describe('verify options', () => {
  it('defaults to the offline dev stack on docker and hands the same flags to the stack CLI', () => {
    expect(parseVerifyOptions({}, {})).toEqual({
      engine: 'docker',
      imageSet: 'offline',
      variant: 'dev',
      json: false,
      help: false,
      stackFlags: ['--engine', 'docker', '--images', 'offline', '--variant', 'dev'],
    });
  });

  it('takes podman-compose as podman and reads QRAFT_* when no flag is given', () => {
    const options = parseVerifyOptions({ json: true }, { QRAFT_ENGINE: 'podman-compose', QRAFT_VARIANT: 'prod' });
    expect(options).toMatchObject({ engine: 'podman', variant: 'prod', json: true });
  });

  it('rejects an unknown engine with the accepted values', () => {
    expect(() => parseVerifyOptions({ engine: 'lxc' }, {})).toThrow('engine "lxc" is not known — use docker or podman (option --engine or QRAFT_ENGINE)');
  });
});

import { parseFaultOptions } from './fault-options';

describe('parseFaultOptions', () => {
  it('takes the stack flags like verify and the load rates from the environment', () => {
    const options = parseFaultOptions({ engine: 'podman', images: 'offline' }, { QRAFT_FAULT_JETSTREAM_RATE: '50', QRAFT_FAULT_HTTP_RATE: '0' });
    expect(options).toMatchObject({ engine: 'podman', imageSet: 'offline', jetstreamRate: 50, httpRate: 0 });
    expect(options.stackFlags).toEqual(['--engine', 'podman', '--images', 'offline', '--variant', 'dev']);
  });

  it('names the variable and the accepted range when a rate is not a number', () => {
    expect(() => parseFaultOptions({}, { QRAFT_FAULT_HTTP_RATE: 'fast' })).toThrow('QRAFT_FAULT_HTTP_RATE="fast" is not a rate — give events per second between 0 and 2000');
  });
});

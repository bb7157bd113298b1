import { main } from './offline-images';

describe('offline-images CLI', () => {
  it('prints usage naming every image and exits 0 on --help', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect(await main(['--help'])).toBe(0);
      const text = String(log.mock.calls[0]?.[0]);
      for (const tag of ['qraft-offline/base:bookworm', 'qraft-offline/nats:2.10.27', 'qraft-offline/clickhouse:18.16.1', 'qraft-offline/prometheus:2.53.3', 'qraft-offline/node:20']) {
        expect(text).toContain(tag);
      }
    } finally {
      log.mockRestore();
    }
  });

  it('rejects an unknown engine with the accepted values', async () => {
    await expect(main(['--engine', 'lxc'])).rejects.toThrow(/engine "lxc" is not known — use docker, podman/);
  });
});

import { runCli } from '@qraft/cli';
import { offlineImagesCli } from './offline-images';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

describe('offline-images CLI', () => {
  it('prints usage naming every image and exits 0 on --help', async () => {
    const c = capture();
    expect(await runCli(offlineImagesCli, ['--help'], c.io)).toBe(0);
    const text = c.out.join('\n');
    for (const tag of ['qraft-offline/base:bookworm', 'qraft-offline/nats:2.10.27', 'qraft-offline/clickhouse:18.16.1', 'qraft-offline/prometheus:2.53.3', 'qraft-offline/node:20']) {
      expect(text).toContain(tag);
    }
  });

  it('rejects an unknown engine with the accepted values and exit 2, before asking any engine', async () => {
    const c = capture();
    expect(await runCli(offlineImagesCli, ['--engine', 'lxc'], c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(/^offline-images: engine "lxc" is not known — use docker, podman/);
  });
});

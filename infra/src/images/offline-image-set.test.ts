import { randomBytes } from 'node:crypto';
import { httpOk } from '../security/app-container';
import { runCommand } from '@qraft/stack';
import type { EngineName } from './container-engine';
import { buildOfflineImages, parseOfflineImageNames } from './offline-image-set';
import { itOnEngine } from './test-engines';

interface RunningContainer extends AsyncDisposable {
  readonly name: string;
  readonly hostPort: (containerPort: number) => Promise<number>;
  readonly exec: (...argv: string[]) => Promise<string>;
}

/** `run -d` with engine-chosen free ports on 127.0.0.1; removed (with -f) on dispose. */
async function runContainer(engine: EngineName, image: string, ports: readonly number[]): Promise<RunningContainer> {
  const name = `qraft-test-${randomBytes(4).toString('hex')}`;
  const publish = ports.flatMap((p) => ['-p', `127.0.0.1::${p}`]);
  const started = await runCommand(engine, ['run', '-d', '--name', name, ...publish, image], 60_000);
  const dispose = async (): Promise<void> => {
    await runCommand(engine, ['rm', '-f', name], 60_000);
  };
  if (!started.ok) {
    await dispose();
    throw new Error(`${engine} run ${image} failed: ${started.stderr.trim()}`);
  }
  return {
    name,
    hostPort: async (containerPort) => {
      const out = await runCommand(engine, ['port', name, `${containerPort}/tcp`]);
      const port = Number(/:(\d+)\s*$/m.exec(out.stdout)?.[1]);
      if (!out.ok || !port) throw new Error(`${name} publishes no port for ${containerPort}: ${out.stderr.trim()}`);
      return port;
    },
    exec: async (...argv) => {
      const out = await runCommand(engine, ['exec', name, ...argv], 30_000);
      if (!out.ok) throw new Error(`${engine} exec ${argv.join(' ')} in ${name} failed: ${out.stderr.trim()}`);
      return out.stdout.trim();
    },
    [Symbol.asyncDispose]: dispose,
  };
}


describe.each(['docker', 'podman'] as const)('offline image set on %s', (engine) => {
  const it = itOnEngine(engine);

  it('serves NATS /healthz on a published loopback port as a non-root user, with wget inside', async () => {
    const [base, nats] = await buildOfflineImages({ engine, only: ['base', 'nats'] });
    expect(base?.tag).toBe('qraft-offline/base:bookworm');
    expect(nats?.tag).toBe('qraft-offline/nats:2.10.27');
    await using container = await runContainer(engine, nats!.tag, [8222, 4222]);
    const port = await container.hostPort(8222);
    expect(await httpOk(`http://127.0.0.1:${port}/healthz`, 15_000)).toContain('ok');
    expect(Number(await container.exec('id', '-u'))).not.toBe(0);
    // The compose healthcheck's own command, inside the container.
    await container.exec('wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:8222/healthz');
    expect(await container.exec('nats-server', '--version')).toContain('2.10.27');
  }, 180_000);

  it('runs @qraft/exporter as a non-root user on the offline Node base, answering /healthz and naming an unreachable ClickHouse', async () => {
    const [exporter] = await buildOfflineImages({ engine, only: ['exporter'] });
    expect(exporter?.tag).toBe('qraft-offline/exporter:0.1.0');
    await using container = await runContainer(engine, exporter!.tag, [9188]);
    const port = await container.hostPort(9188);
    expect(await httpOk(`http://127.0.0.1:${port}/healthz`, 15_000)).toContain('ok');
    expect(await container.exec('id', '-u')).toBe('1000');
    const response = await fetch(`http://127.0.0.1:${port}/metrics/clickhouse`);
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('cannot read ClickHouse at http://127.0.0.1:8123');
    expect((await buildOfflineImages({ engine, only: ['exporter'] })).map((r) => r.cached)).toEqual([true]);
  }, 600_000);

  it('answers the recorded images as cached on a second run', async () => {
    const again = await buildOfflineImages({ engine, only: ['nats'] });
    expect(again.map((r) => [r.tag, r.cached])).toEqual([['qraft-offline/nats:2.10.27', true]]);
  }, 180_000);
});

describe('offline image names', () => {
  it('rejects an unknown image and lists the known ones', () => {
    expect(() => parseOfflineImageNames(['grafana'])).toThrow('offline image "grafana" is not known — use base, nats, clickhouse, prometheus, node, exporter');
  });
});

import { createServer } from 'node:net';
import { loadStack } from '@qraft/config';
import { composeArgv } from './compose';
import { documentTarget } from './document-target';
import { runCommand } from './run-command';
import { streamCommand } from './stream-command';
import { assertPortsFree } from './prepare-host';
import { formatStackTable, stackRows } from './stack-table';
import { engineAdapter } from './engine-adapter';
import type { Runtime } from './runtime';

const runtime = (name: 'docker-compose-v2' | 'podman-compose', command: string[]): Runtime => ({
  compose: { name, engine: name === 'podman-compose' ? 'podman' : 'docker', command, version: 'x' },
  engine: engineAdapter(name === 'podman-compose' ? 'podman' : 'docker'),
  socketPath: '/nonexistent',
});

describe('stack pieces', () => {
  it('gives docker compose and podman-compose the same project and an absolute file (podman-compose 1.3 changes directory first)', () => {
    const target = { file: 'configs/compose/dev.offline.yml', project: 'qraft', cwd: '/work/qraft' };
    expect(composeArgv({ ...target, runtime: runtime('docker-compose-v2', ['docker', 'compose']) }, ['up', '-d'])).toEqual([
      'docker',
      ['compose', '-p', 'qraft', '-f', '/work/qraft/configs/compose/dev.offline.yml', 'up', '-d'],
    ]);
    expect(composeArgv({ ...target, runtime: runtime('podman-compose', ['podman-compose']) }, ['down'])).toEqual([
      'podman-compose',
      ['-p', 'qraft', '-f', '/work/qraft/configs/compose/dev.offline.yml', 'down'],
    ]);
  });

  it('gives a compose document on stdin as -f -, from the stack file\'s directory, with the other files still absolute', () => {
    const target = { file: 'configs/compose/dev.offline.yml', overrides: ['fault.yml'], project: 'qraft', cwd: '/work/qraft', runtime: runtime('podman-compose', ['podman-compose']) };
    const stdin = documentTarget(target, 'services: {}\n');
    expect(stdin).toMatchObject({ file: '-', cwd: '/work/qraft/configs/compose', stdin: 'services: {}\n' });
    expect(composeArgv(stdin, ['up', '--no-start'])).toEqual(['podman-compose', ['-p', 'qraft', '-f', '-', '-f', '/work/qraft/fault.yml', 'up', '--no-start']]);
  });

  it('hands a command its input on stdin and closes it, streamed or not', async () => {
    expect((await runCommand('cat', [], 5_000, { input: 'one\ntwo\n' })).stdout).toBe('one\ntwo\n');
    expect((await runCommand('cat', [])).stdout).toBe('');
    const lines: string[] = [];
    const result = await streamCommand('cat', [], { input: 'one\ntwo\n', onLine: (l) => lines.push(l) });
    expect(result.ok).toBe(true);
    expect(lines).toEqual(['one', 'two']);
  });

  it('refuses to start when a published port is taken and names the variable that moves it', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const model = loadStack({ imageSet: 'offline', env: { QRAFT_CLICKHOUSE_HTTP_PORT: String(port) } });
      // A stack of ours running on the default ports must not disturb this test: treat every other service as ours.
      const others = new Set(Object.values(model.services).map((s) => s.containerName).filter((n) => n !== 'qraft-clickhouse'));
      await expect(assertPortsFree(model, others)).rejects.toThrow(
        `port ${port} (clickhouse http) is already in use on 127.0.0.1 — stop the other process or set QRAFT_CLICKHOUSE_HTTP_PORT`,
      );
      // The stack's own running container holding the port is not a clash.
      await expect(assertPortsFree(model, new Set([...others, 'qraft-clickhouse']))).resolves.toBeUndefined();
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('lists omitted services in the table with the reason', () => {
    const rows = stackRows(loadStack({ imageSet: 'offline' }), undefined);
    const grafana = rows.find((r) => r.service === 'grafana');
    expect(grafana?.state).toBe('omitted');
    expect(grafana?.detail).not.toBe('');
    expect(formatStackTable(rows).split('\n')[0]).toMatch(/^SERVICE\s+CONTAINER\s+STATE\s+URL\s+DETAIL$/);
  });
});

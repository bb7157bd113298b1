import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runConfigCli } from './cli';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

describe('qraft-config CLI', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'qraft-cli-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('generates every file, then check passes; a hand edit makes check fail with a diff', async () => {
    expect(await runConfigCli(['generate', '--out', root], {}, capture().io)).toBe(0);
    expect(existsSync(join(root, 'configs/compose/prod.offline.yml'))).toBe(true);
    expect(await runConfigCli(['check', '--out', root], {}, capture().io)).toBe(0);

    const file = join(root, 'configs/nats/registry/nats-server.conf');
    writeFileSync(file, readFileSync(file, 'utf8').replace('max_connections: 1024', 'max_connections: 5'));
    const c = capture();
    expect(await runConfigCli(['check', '--out', root], {}, c.io)).toBe(1);
    const report = c.err.join('\n');
    expect(report).toContain('--- configs/nats/registry/nats-server.conf (committed)');
    expect(report).toContain('-max_connections: 5');
    expect(report).toContain('+max_connections: 1024');
    expect(report).toContain('run `pnpm nx run config:generate`');
  });

  it('generates only the selected variant and image set', async () => {
    expect(await runConfigCli(['generate', '--variant', 'prod', '--images', 'offline', '--out', root], {}, capture().io)).toBe(0);
    expect(readdirSync(join(root, 'configs/compose'))).toEqual(['prod.offline.yml']);
  });

  it.each([
    [['generate', '--images', 'airgap'], {}, /--images: "airgap" is not known — use one of registry, offline/],
    [['generate', '--variant', 'staging'], {}, /--variant: "staging" is not known — use one of dev, prod/],
    [['generate'], { QRAFT_CLICKHOUSE_HTTP_PORT: '4222' }, /QRAFT_CLICKHOUSE_HTTP_PORT: port 4222 is already used by nats.client — choose another port/],
    [['generate'], { QRAFT_APP_MEMORY: 'lots' }, /QRAFT_APP_MEMORY: memory "lots" is not a size/],
    [['generate'], { QRAFT_REDIS_HTTP_PORT: '6379' }, /no service matches "redis_http"/],
  ])('refuses %j with %j: non-zero exit, a message naming the field, nothing written', async (argv, env, message) => {
    const c = capture();
    expect(await runConfigCli([...argv, '--out', root], env, c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(message);
    expect(readdirSync(root)).toEqual([]);
  });

  it('writes secrets once and keeps them', async () => {
    expect(await runConfigCli(['secrets', '--out', root], {}, capture().io)).toBe(0);
    const c = capture();
    expect(await runConfigCli(['secrets', '--out', root], {}, c.io)).toBe(0);
    expect(c.out.every((l) => l.startsWith('kept'))).toBe(true);
  });

  it('prints help and rejects unknown commands and options', async () => {
    const c = capture();
    expect(await runConfigCli(['--help'], {}, c.io)).toBe(0);
    expect(c.out.join('')).toContain('Usage: qraft-config');
    expect(await runConfigCli(['frobnicate'], {}, capture().io)).toBe(2);
    expect(await runConfigCli(['generate', '--colour'], {}, capture().io)).toBe(2);
  });
});

describe('the committed generated files', () => {
  it('match a fresh render (config:check)', async () => {
    const c = capture();
    const code = await runConfigCli(['check'], {}, c.io, __dirname);
    expect(c.err.join('\n')).toBe('');
    expect(code).toBe(0);
  });
});

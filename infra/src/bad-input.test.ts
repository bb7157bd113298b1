import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

/**
 * The real CLIs as a user runs them (`tsx --conditions=@qraft/source`), with bad input. PATH holds no
 * container engine, so even a validation that failed to stop a command could start nothing.
 */
function run(file: string, args: readonly string[], env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--conditions=@qraft/source', '--import', 'tsx', join(ROOT, file), ...args], {
    cwd: ROOT,
    env: { PATH: '/nonexistent', HOME: tmpdir(), ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const CONFIG = 'packages/config/src/cli.ts';
const HEALTH = 'packages/health/src/cli.ts';
const APP = 'packages/app/src/main.ts';
const STACK = 'infra/src/cli/stack.ts';
const DOCTOR = 'infra/src/cli/doctor.ts';
const IMAGE = 'infra/src/cli/image.ts';
const OFFLINE = 'infra/src/cli/offline-images.ts';
const APP_CONTEXT = 'infra/src/cli/app-context.ts';

/** The CLIs on @qraft/cli's exit codes: 2 for bad input, 1 for a run that failed. */
const ON_THE_HELPER = new Set([CONFIG, HEALTH, APP, STACK, DOCTOR, IMAGE, OFFLINE, APP_CONTEXT]);

/** [cli, args, env, the one message it must print]; `--out <tmp>` is added to qraft-config. */
const CASES: Array<[string, string[], Record<string, string>, RegExp]> = [
  [CONFIG, ['generate'], { QRAFT_CLICKHOUSE_HTTP_PORT: 'abc' }, /^qraft-config: QRAFT_CLICKHOUSE_HTTP_PORT: "abc" is not a port — write a whole number from 1 to 65535$/],
  [CONFIG, ['generate'], { QRAFT_CLICKHOUSE_HTTP_PORT: '4222' }, /^qraft-config: QRAFT_CLICKHOUSE_HTTP_PORT: port 4222 is already used by nats.client — choose another port$/],
  [CONFIG, ['generate'], { QRAFT_IMAGE_SET: 'cloud' }, /^qraft-config: QRAFT_IMAGE_SET: "cloud" is not a known image set — use one of registry, offline$/],
  [CONFIG, ['generate'], { QRAFT_PROMETHEUS_MEMORY: '-1g' }, /^qraft-config: QRAFT_PROMETHEUS_MEMORY: memory "-1g" is not a size/],
  [CONFIG, ['generate', '--variant', 'staging'], {}, /^qraft-config: --variant: "staging" is not known — use one of dev, prod$/],
  [CONFIG, ['generate', '--colour'], {}, /^qraft-config: Unknown option '--colour'/],
  [STACK, ['up', '--timeout', 'soon'], {}, /^stack: --timeout "soon" is not a duration — write e.g. 90s, 2m or 1500ms$/],
  [STACK, ['up', '--images', 'cloud'], {}, /^stack: --images: "cloud" is not known — use one of registry, offline$/],
  [STACK, ['up'], { QRAFT_IMAGE_SET: 'cloud' }, /^stack: QRAFT_IMAGE_SET: "cloud" is not known — use one of registry, offline$/],
  [STACK, ['up'], { QRAFT_VARIANT: 'staging' }, /^stack: QRAFT_VARIANT: "staging" is not known — use one of dev, prod$/],
  [STACK, ['up'], { QRAFT_CLICKHOUSE_HTTP_PORT: 'abc' }, /^stack: QRAFT_CLICKHOUSE_HTTP_PORT: "abc" is not a port/],
  [STACK, ['up'], { QRAFT_APP_HTTP_PORT: '9090' }, /^stack: QRAFT_APP_HTTP_PORT: port 9090 is already used by prometheus.http — choose another port$/],
  [STACK, ['up'], { QRAFT_CLICKHOUSE_MEMORY: 'lots' }, /^stack: QRAFT_CLICKHOUSE_MEMORY: memory "lots" is not a size/],
  [STACK, ['up', '--engine', 'lxc'], {}, /^stack: engine "lxc" is not known — use docker, podman/],
  [STACK, ['frobnicate'], {}, /^stack: unknown command "frobnicate" — use up, down/],
  [STACK, [], {}, /^stack: no command — use up, down, restart, ps or logs$/],
  [STACK, ['ps', '--engine', 'lxc'], {}, /^stack: engine "lxc" is not known — use docker, podman/],
  [STACK, ['down'], { QRAFT_ENGINE: 'lxc' }, /^stack: engine "lxc" is not known — use docker, podman/],
  [DOCTOR, [], { QRAFT_CLICKHOUSE_HTTP_PORT: 'abc' }, /^doctor: QRAFT_CLICKHOUSE_HTTP_PORT: "abc" is not a port/],
  [DOCTOR, ['--colour'], {}, /^doctor: Unknown option '--colour'/],
  [IMAGE, ['--engine', 'lxc'], {}, /^image: engine "lxc" is not known/],
  [IMAGE, ['--node-base', 'alpine'], {}, /^image: --node-base "alpine" is not known — use offline or upstream$/],
  [IMAGE, ['--colour'], {}, /^image: Unknown option '--colour'/],
  [OFFLINE, ['--only', 'redis'], {}, /^offline-images: offline image "redis" is not known — use base, nats, clickhouse, prometheus, node, exporter$/],
  [APP_CONTEXT, [], {}, /^app-context: --out DIR is required — the directory to write the app image context into$/],
  [HEALTH, ['nats', 'nats://127.0.0.1:4222', '--timeout', 'soon'], {}, /^qraft-health: --timeout "soon" is not a duration/],
  [HEALTH, ['frob'], {}, /^qraft-health: unknown check "frob" — one of: http, tcp, nats/],
  [HEALTH, ['http', 'http://127.0.0.1:1', '--wait', '60'], {}, /^qraft-health: --wait "60" has no unit — write 60s for seconds or 60ms for milliseconds$/],
  [APP, ['frobnicate'], {}, /^qraft-app: unknown command "frobnicate" — use serve or migrate/],
  [APP, ['serve'], { QRAFT_HTTP_PORT: 'abc', QRAFT_BATCH_MAX_SIZE: '-1' }, /^qraft-app: invalid configuration \(2 problems\):\n {2}- QRAFT_HTTP_PORT="abc" must be an integer from 0 to 65535\n {2}- QRAFT_BATCH_MAX_SIZE="-1" must be an integer from 1 to 100000$/],
];

/** What a CLI could have written in the workspace: the generated files and secrets, by path and mtime. */
function workspaceState(): string[] {
  const files = ['docker-compose.yml', '.env.example'];
  for (const dir of ['configs', 'secrets']) {
    const walk = (rel: string): void => {
      for (const name of readdirSync(join(ROOT, rel))) {
        const path = join(rel, name);
        if (statSync(join(ROOT, path)).isDirectory()) walk(path);
        else files.push(path);
      }
    };
    if (existsSync(join(ROOT, dir))) walk(dir);
  }
  return files.filter((f) => existsSync(join(ROOT, f))).map((f) => `${f} ${statSync(join(ROOT, f)).mtimeMs}`).sort();
}

describe('invalid configuration, environment and options: one clear message, a non-zero exit, nothing written', () => {
  let out: string;
  let before: string[];
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'qraft-bad-input-'));
    before = workspaceState();
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it.each(CASES.map(([cli, args, env, message]) => [`${cli.split('/').pop()} ${args.join(' ')} ${Object.entries(env).filter(([k]) => k !== 'PATH').map(([k, v]) => `${k}=${v}`).join(' ')}`.trim(), cli, args, env, message] as const))(
    '%s',
    (_name, cli, args, env, message) => {
      const r = run(cli, cli === CONFIG ? [...args, '--out', out] : args, env);
      if (ON_THE_HELPER.has(cli)) expect(r.code).toBe(2);
      else expect(r.code === 0 || r.code === null ? `exit ${r.code}` : 'non-zero').toBe('non-zero');
      // One message: the first printed line (after an optional blank one) names the problem, no stack trace follows.
      const text = r.stderr.replace(/^\n/, '');
      expect(text).toMatch(new RegExp(message.source, 'm'));
      expect(text).not.toMatch(/^\s+at /m);
      const prefix = text.split(':')[0]!;
      expect(text.split('\n').filter((l) => l.startsWith(`${prefix}:`))).toHaveLength(1);
      expect(readdirSync(out)).toEqual([]);
    },
  );

  it.each([...ON_THE_HELPER].map((cli) => [cli.split('/').pop(), cli] as const))('%s --help prints its usage and the exit codes on stdout and exits 0', (_name, cli) => {
    const r = run(cli, ['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage:/m);
    expect(r.stdout).toMatch(/Exit codes: 0 .* 1 .* 2 bad input/);
  });

  it('tells a failed run (exit 1) from bad input: stack down with no container engine on PATH', () => {
    const r = run(STACK, ['down', '--engine', 'docker']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^stack: no usable container engine: docker-compose-v2 is not installed/m);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('tells a failed run (exit 1) from bad input: image with no container engine on PATH', () => {
    const r = run(IMAGE, ['--engine', 'docker']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^image: /m);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('left the workspace as it was: no generated file or secret written or touched', () => {
    expect(workspaceState()).toEqual(before);
  });
});

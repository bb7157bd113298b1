import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import Dockerode from 'dockerode';
import { ensureSecrets, loadStack } from '@qraft/config';
import { probeClickHouse, probeHttp, waitUntilHealthy } from '@qraft/health';
import { assertPortsFree, parseEngineChoice, prepareDirectories, probeContainer } from '@qraft/stack';
import { parseOfflineImageNames } from './images/offline-image-set';
import { planEngineBootstrap, type EngineHost } from './stack/bootstrap-engine';
import { normalizeOptions } from './stack/stack-options';

/**
 * docs/troubleshooting.md lists the errors this project prints, in ```error blocks. Each listed line must be one
 * the code really prints: where it is cheap the test makes the code print it (TRIGGERS); every other line must
 * appear in the source as a string template, with the guide's <placeholders> standing for its ${…} parts.
 */
const ROOT = join(__dirname, '..', '..');
const GUIDE = join(ROOT, 'docs', 'troubleshooting.md');
const PLACEHOLDER = /<[A-Za-z][A-Za-z0-9 _-]*>/g;

function guideMessages(): string[] {
  const lines = readFileSync(GUIDE, 'utf8').split('\n');
  const messages: string[] = [];
  let inBlock = false;
  for (const line of lines) {
    if (/^```error\s*$/.test(line)) inBlock = true;
    else if (inBlock && /^```\s*$/.test(line)) inBlock = false;
    else if (inBlock && line.trim() !== '') messages.push(line.trim());
  }
  return messages;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The guide's template as a regex: literal text exact, each placeholder any text on the same line. */
function templateRegex(template: string, anchored: boolean): RegExp {
  const body = template.split(PLACEHOLDER).map(escape).join('[^\\n]*?');
  return new RegExp(anchored ? `^${body}$` : body);
}

/** Every line of what the code printed, trimmed; a template matches when it matches one whole line. */
function printedLine(template: string, output: string): string | undefined {
  const re = templateRegex(template, true);
  return output.split('\n').map((l) => l.trim()).find((l) => re.test(l));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return ['node_modules', 'dist', 'test', 'bench'].includes(entry.name) ? [] : sourceFiles(path);
    return /\.(ts|sh)$/.test(entry.name) && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Product sources (no tests), with template-literal backticks unescaped so `\`cmd\`` reads as `cmd`. */
const SOURCES: ReadonlyArray<{ file: string; text: string }> = [
  join(ROOT, 'infra', 'src'),
  join(ROOT, 'infra', 'scripts'),
  ...readdirSync(join(ROOT, 'packages')).flatMap((p) => [join(ROOT, 'packages', p, 'src'), join(ROOT, 'packages', p, 'scripts')]),
]
  .filter((dir) => {
    try {
      return statSync(dir).isDirectory();
    } catch {
      return false;
    }
  })
  .flatMap(sourceFiles)
  .map((file) => ({ file: relative(ROOT, file), text: readFileSync(file, 'utf8').replace(/\\`/g, '`') }));

// ---- helpers that make the code print its message -------------------------------------------------------

async function thrown(fn: () => unknown): Promise<string> {
  try {
    await fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error, none was thrown');
}

const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

/**
 * Runs `code` (CommonJS, paths relative to infra/) in a child process whose PATH is `dir` — an empty one by
 * default, so no docker, podman or compose tool is found. A child, because jest gives tests a copy of
 * process.env that child_process never sees. Answers what it printed.
 */
function runWithPath(code: string, dir = mkdtempSync(join(tmpdir(), 'qraft-guide-path-'))): string {
  try {
    const result = spawnSync(process.execPath, [TSX, '--conditions=@qraft/source', '-e', code], {
      cwd: join(ROOT, 'infra'),
      env: { ...process.env, PATH: dir },
      encoding: 'utf8',
      timeout: 60_000,
    });
    return `${result.stdout}${result.stderr}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const printError = (call: string) => `(async () => { try { await ${call}; console.log('no error'); } catch (e) { console.log(e.message); } })();`;

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await close(server);
  return port;
}

/** A stand-in ClickHouse HTTP interface: /ping answers "Ok.", every query gets `status` and `body`. */
async function withClickHouseStub(status: number, body: string, fn: (url: string) => Promise<string>): Promise<string> {
  const server = createHttpServer((req, res) => {
    if (req.url?.startsWith('/ping')) res.end('Ok.\n');
    else res.writeHead(status).end(body);
  });
  const port = await listen(server);
  try {
    return await fn(`http://127.0.0.1:${port}`);
  } finally {
    server.closeAllConnections();
    await close(server);
  }
}

/** An engine API client that answers `inspect` as given: the container probe's view of a stopped or absent container. */
function engineAnswering(inspect: () => Promise<unknown>): Dockerode {
  return { getContainer: () => ({ inspect }) } as unknown as Dockerode;
}

async function containerError(inspect: () => Promise<unknown>): Promise<string> {
  return (await probeContainer({ docker: engineAnswering(inspect), name: 'qraft-clickhouse' })).error ?? '';
}

function withGetuid<T>(uid: number, fn: () => T): T {
  const spy = jest.spyOn(process, 'getuid').mockReturnValue(uid);
  try {
    return fn();
  } finally {
    spy.mockRestore();
  }
}

function runEngineScript(args: readonly string[], asNobody: boolean): string {
  // A copy of the scripts in a world-readable folder: nobody cannot read a checkout whose parent folder is
  // private (a fresh clone under `mktemp -d`), and the message must not depend on where the checkout lives.
  const dir = mkdtempSync(join(tmpdir(), 'qraft-engine-sh-'));
  try {
    cpSync(join(ROOT, 'infra', 'scripts'), dir, { recursive: true });
    chmodSync(dir, 0o755);
    const script = join(dir, 'engine.sh');
    const [file, argv] = asNobody ? ['setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'bash', script, ...args]] : ['bash', [script, ...args]];
    const result = spawnSync(file, argv, { encoding: 'utf8', timeout: 15_000, cwd: dir });
    if (result.error) throw result.error;
    return result.stderr;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function planMessage(host: EngineHost): string {
  const plan = planEngineBootstrap(host, 'docker');
  return plan.kind === 'refuse' ? plan.message : `no refusal: ${plan.kind}`;
}

const CHECK_DOCKER = `require('./src/images/container-engine').checkEngine('docker').then((s) => console.log(s.error));`;
const FIX = 'run `nx run infra:engine` (as root) to install and start it; `nx run infra:doctor` shows what is missing';

/** Guide line → a function that makes the product print it. Keys must be lines of the guide, verbatim. */
const TRIGGERS: Record<string, () => Promise<string>> = {
  'no usable container engine: <reasons> — run `nx run infra:engine` as root on Debian/Ubuntu, or install Docker (with compose v2) or Podman (with podman-compose) and start it; `nx run infra:doctor` shows what is missing':
    async () => runWithPath(`const { detectRuntime } = require('@qraft/stack'); ${printError('detectRuntime()')}`),
  [`docker is not installed — ${FIX}`]: async () => runWithPath(CHECK_DOCKER),
  [`docker does not answer (Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?) — ${FIX}`]: async () => {
    // A docker client whose daemon is down: what the real CLI prints on stderr, exit 1.
    const dir = mkdtempSync(join(tmpdir(), 'qraft-guide-docker-'));
    writeFileSync(
      join(dir, 'docker'),
      '#!/bin/sh\necho "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2\nexit 1\n',
    );
    chmodSync(join(dir, 'docker'), 0o755);
    return runWithPath(CHECK_DOCKER, dir);
  },
  'engine "<value>" is not known — use docker, podman, docker-compose-v1 or podman-compose (option --engine or QRAFT_ENGINE)': () =>
    thrown(() => parseEngineChoice('lxc')),
  'no container engine answers — install one as root: `sudo bash infra/scripts/engine.sh --docker`, then run `pnpm nx run infra:up` again': async () =>
    planMessage({ engineAnswers: false, root: false, apt: true }),
  'no container engine answers and this host has no apt-get (not Debian/Ubuntu), so it cannot be bootstrapped here — install Docker (with compose v2) or Podman (with podman-compose), start it and run `pnpm nx run infra:up` again (docs/requirements.md)':
    async () => planMessage({ engineAnswers: false, root: true, apt: false }),
  "engine: unknown option '<option>' — see --help": async () => runEngineScript(['--lxc'], false),
  'engine: must run as root (it installs packages and starts daemons) — re-run with sudo': async () =>
    // The root check comes before anything is installed; as root, drop to nobody to reach it.
    runEngineScript(['--docker'], process.getuid?.() === 0),
  'port <port> (<service> <port-name>) is already in use on 127.0.0.1 — stop the other process or set <VARIABLE>': async () => {
    const server = createServer();
    const port = await listen(server);
    try {
      const model = loadStack({ imageSet: 'offline', env: { QRAFT_CLICKHOUSE_HTTP_PORT: String(port) } });
      // Every other service counts as ours (a stack may be running here): only the held port is checked.
      const others = new Set(Object.values(model.services).map((s) => s.containerName).filter((n) => n !== 'qraft-clickhouse'));
      return await thrown(() => assertPortsFree(model, others));
    } finally {
      await close(server);
    }
  },
  '<VARIABLE>: port <port> is already used by <service>.<port-name> — choose another port': () =>
    thrown(() => loadStack({ env: { QRAFT_APP_HTTP_PORT: '8123' } })),
  '<VARIABLE>: "<value>" is not a port — write a whole number from 1 to 65535': () => thrown(() => loadStack({ env: { QRAFT_NATS_CLIENT_PORT: '70000' } })),
  'QRAFT_VARIANT: "<value>" is not a known variant — use one of dev, prod': () => thrown(() => loadStack({ env: { QRAFT_VARIANT: 'staging' } })),
  'QRAFT_IMAGE_SET: "<value>" is not a known image set — use one of registry, offline': () =>
    thrown(() => loadStack({ env: { QRAFT_IMAGE_SET: 'airgap' } })),
  'QRAFT_REGISTRY_MIRROR: "<value>" is not a registry mirror — write a registry host with an optional port and path, no scheme and no trailing slash, e.g. "registry.example.com:5000/dockerhub"':
    () => thrown(() => loadStack({ env: { QRAFT_REGISTRY_MIRROR: 'https://mirror.example.com/' } })),
  '<VARIABLE>: memory "<value>" is not a size — write a number with a unit, e.g. "512m" or "2g"': () =>
    thrown(() => loadStack({ env: { QRAFT_CLICKHOUSE_MEMORY: 'lots' } })),
  '<VARIABLE>: "<value>" is not a CPU count — write a positive number, e.g. "0.5" or "2"': () => thrown(() => loadStack({ env: { QRAFT_APP_CPUS: '-1' } })),
  '<VARIABLE>: no service matches "<name>" — the services are nats, clickhouse, prometheus, grafana, nats-exporter, exporter, app; unset the variable or use e.g. QRAFT_CLICKHOUSE_HTTP_PORT':
    () => thrown(() => loadStack({ env: { QRAFT_REDIS_HTTP_PORT: '6379' } })),
  'QRAFT_UP_TIMEOUT "<value>" is not a duration — write e.g. 90s, 2m or 1500ms': () => thrown(() => normalizeOptions({}, { QRAFT_UP_TIMEOUT: 'soon' })),
  '--timeout "<value>" is not a duration — write e.g. 90s, 2m or 1500ms': () => thrown(() => normalizeOptions({ timeout: 'later' }, {})),
  'qraft-config: <n> generated file(s) out of date — run `pnpm nx run config:generate` and commit the result': async () => {
    const out = mkdtempSync(join(tmpdir(), 'qraft-guide-check-'));
    try {
      const cli = spawnSync(process.execPath, [TSX, '--conditions=@qraft/source', join(ROOT, 'packages', 'config', 'src', 'cli.ts'), 'check', '--out', out], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      return cli.stderr;
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  },
  '<dir> should belong to uid <uid> (<service>) — run `sudo chown -R <uid>:<gid> <dir>`': async () => {
    const root = mkdtempSync(join(tmpdir(), 'qraft-guide-dirs-'));
    try {
      // A uid nothing here runs as, so every directory is "not ours" and gets its warning.
      return withGetuid(54_321, () => prepareDirectories(loadStack({ imageSet: 'offline' }), root)).join('\n');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  },
  '<file> should belong to uid <uid> (<service>) — run `sudo chown <uid>:<gid> <file>`': async () => {
    const root = mkdtempSync(join(tmpdir(), 'qraft-guide-secrets-'));
    try {
      return withGetuid(54_321, () => ensureSecrets(root, loadStack({ imageSet: 'offline' })).warnings).join('\n');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  },
  'offline image "<name>" is not known — use base, nats, clickhouse, prometheus, node, exporter': () => thrown(() => parseOfflineImageNames(['redis'])),
  'not healthy after <seconds> s — <n> of <m> required checks failing:': () =>
    thrown(() =>
      waitUntilHealthy([{ name: 'nats', probe: async () => ({ ok: false, state: 'down', latencyMs: 0, detail: 'unreachable', error: 'closed' }) }], {
        timeoutMs: 100,
      }),
    ),
  '<service> at <url>: connection refused — is the server running?': async () =>
    (await probeHttp({ url: `http://127.0.0.1:${await closedPort()}/` })).error ?? '',
  '<service> at <url>: no answer within <ms> ms — is the server starting, overloaded, or the port not published?': async () => {
    // Accepts connections and never answers.
    const sockets = new Set<Socket>();
    const server = createServer((socket) => sockets.add(socket));
    const port = await listen(server);
    try {
      return (await probeHttp({ url: `http://127.0.0.1:${port}/`, timeoutMs: 300 })).error ?? '';
    } finally {
      for (const s of sockets) s.destroy();
      await close(server);
    }
  },
  'container <name>: no container engine answers on its socket (<code>) — start dockerd or `podman system service`, or set DOCKER_HOST': async () =>
    (await probeContainer({ docker: new Dockerode({ socketPath: join(tmpdir(), 'qraft-no-engine.sock') }), name: 'qraft-nats' })).error ?? '',
  'container <name> does not exist — is the stack up? (docker ps -a / podman ps -a)': () =>
    containerError(() => Promise.reject(Object.assign(new Error('no such container'), { statusCode: 404 }))),
  'container <name> is <state>: it exited with code <code> — see `docker logs <name>`': () =>
    containerError(async () => ({ State: { Status: 'exited', Running: false, Restarting: false, ExitCode: 1, OOMKilled: false }, RestartCount: 0 })),
  'container <name> is <state>: it was killed (137) — see `docker logs <name>`': () =>
    containerError(async () => ({ State: { Status: 'exited', Running: false, Restarting: false, ExitCode: 137, OOMKilled: false }, RestartCount: 0 })),
  'container <name> is <state>: it was OOM-killed — raise its memory limit': () =>
    containerError(async () => ({ State: { Status: 'exited', Running: false, Restarting: false, ExitCode: 137, OOMKilled: true }, RestartCount: 0 })),
  'clickhouse at <url> refused the credentials of user "<user>" — check QRAFT_CLICKHOUSE_USER and QRAFT_CLICKHOUSE_PASSWORD_FILE': () =>
    withClickHouseStub(
      403,
      'Code: 516. DB::Exception: default: Authentication failed: password is incorrect, or there is no user with such name. (AUTHENTICATION_FAILED)',
      async (url) => (await probeClickHouse({ url })).error ?? '',
    ),
  'clickhouse at <url> does not let user "<user>" connect from this address — use the app user (QRAFT_CLICKHOUSE_USER=qraft_app) and its password file (QRAFT_CLICKHOUSE_PASSWORD_FILE=secrets/clickhouse_app_password)':
    () =>
      // ClickHouse 18.16's answer (measured) when `default` connects from outside its container.
      withClickHouseStub(
        500,
        'Code: 195, e.displayText() = DB::Exception: User default is not allowed to connect from address 172.18.0.1, e.what() = DB::Exception\n',
        async (url) => (await probeClickHouse({ url })).error ?? '',
      ),
};

const messages = guideMessages();

describe('the troubleshooting guide lists only errors the code prints', () => {
  it('lists messages, each with enough literal text to be checked', () => {
    expect(messages.length).toBeGreaterThanOrEqual(30);
    for (const message of messages) {
      expect({ message, literal: message.replace(PLACEHOLDER, '').length >= 15 }).toEqual({ message, literal: true });
    }
  });

  it('has a guide line for every trigger (a reworded message must be reworded in both places)', () => {
    expect(Object.keys(TRIGGERS).filter((t) => !messages.includes(t))).toEqual([]);
  });

  const triggered = messages.filter((m) => m in TRIGGERS);
  const sourced = messages.filter((m) => !(m in TRIGGERS));

  it.each(triggered)('the code prints: %s', async (message) => {
    const output = await TRIGGERS[message]!();
    expect({ message, printed: printedLine(message, output) ?? `(not printed; output was: ${output})` }).toEqual({
      message,
      printed: expect.stringMatching(templateRegex(message, true)),
    });
  });

  it.each(sourced)('the source holds: %s', (message) => {
    const re = templateRegex(message, false);
    const found = SOURCES.filter((s) => re.test(s.text)).map((s) => s.file);
    expect({ message, found: found.length > 0 }).toEqual({ message, found: true });
  });

  it('fails for a message the code does not print (the check above can fail)', () => {
    const re = templateRegex('port <port> is on fire — call the fire brigade', false);
    expect(SOURCES.some((s) => re.test(s.text))).toBe(false);
    expect(printedLine('port <port> is on fire', 'port 8123 is already in use')).toBeUndefined();
  });

  afterAll(() => {
    console.log(`docs/troubleshooting.md: ${messages.length} messages, ${triggered.length} printed by the code here, ${sourced.length} found in the source`);
  });
});

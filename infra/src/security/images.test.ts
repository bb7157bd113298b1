import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { APP_IMAGE_TAG, buildAppImage, buildOfflineImages, OFFLINE_IMAGES } from '../images';
import { engineForTests } from '../images/test-engines';
import { runCommand } from '@qraft/stack';
import { hardeningProblems, HARDENED, httpOk, runAppContainer } from './app-container';
import { findSecretValues } from './find-secret-values';
import { findSecretsInImage, rootUserProblem, saveImage, type ImageConfig } from './image-scan';
import { secretsForScan } from './scan-secrets';

const ENGINE = 'docker';
const ROOT = resolve(__dirname, '../../..');
const { available, reason } = engineForTests(ENGINE);
const describeEngine = available ? describe : describe.skip;
if (!available) console.warn(`skipping the image security tests: ${reason}`);

/** Build bases, not services: their consumers set the user (the app image runs as 1000), as node:20 and debian do. */
const BASE_IMAGES = new Set(['qraft-offline/base:bookworm', 'qraft-offline/node:20']);
const OFFLINE_BASE = 'qraft-offline/base:bookworm';
const ALL_IMAGES = [APP_IMAGE_TAG, ...OFFLINE_IMAGES.map((i) => i.tag)];
const SERVICE_IMAGES = ALL_IMAGES.filter((t) => !BASE_IMAGES.has(t));

async function imageConfig(ref: string): Promise<ImageConfig> {
  const out = await runCommand(ENGINE, ['image', 'inspect', '--format', '{{json .Config}}', ref]);
  if (!out.ok) throw new Error(`${ENGINE} image inspect ${ref} failed: ${out.stderr.trim()}`);
  return JSON.parse(out.stdout) as ImageConfig;
}

/**
 * A throwaway image made to fail: a secret in a layer and in ENV, no USER. Built on the offline base (no registry):
 * the planted layer sits on top of a real Debian root file system, as a leak in a service image would.
 */
function buildLeakyImage(secret: string): { tag: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'qraft-leaky-'));
  const tag = `qraft-sectest/leaky:${randomBytes(4).toString('hex')}`;
  writeFileSync(join(dir, 'app.conf'), `# looks harmless\ndb.url=http://db:8123\n`);
  writeFileSync(join(dir, 'token.txt'), `header ${secret} trailer\n`);
  writeFileSync(
    join(dir, 'Dockerfile'),
    `FROM ${OFFLINE_BASE}\nCOPY app.conf /etc/app/app.conf\nCOPY token.txt /opt/token.txt\nCOPY app.conf /run/secrets/db\nENV DB_PASSWORD=hunter2-in-env\nUSER root\n`,
  );
  const built = spawnSync(ENGINE, ['build', '-q', '-t', tag, dir], { encoding: 'utf8', env: { ...process.env, DOCKER_BUILDKIT: '0' } });
  rmSync(dir, { recursive: true, force: true });
  if (built.status !== 0) throw new Error(`building ${tag} failed: ${built.stderr}`);
  return { tag, remove: () => void spawnSync(ENGINE, ['rmi', '-f', tag], { stdio: 'ignore' }) };
}

describeEngine(`image security on ${ENGINE}`, () => {
  beforeAll(async () => {
    // Cached (well under a second) when the images are current; built here when they are missing or stale, as in CI.
    await buildOfflineImages({ engine: ENGINE });
    await buildAppImage({ engine: ENGINE });
  }, 30 * 60_000);

  it.each(SERVICE_IMAGES)(`CIS 4.1 image runs as a non-root user: %s (bases ${[...BASE_IMAGES].join(', ')} are exempt: only FROM lines use them)`, async (ref) => {
    expect(rootUserProblem(ref, await imageConfig(ref))).toBeUndefined();
  });

  it('CIS 4.6 the app image has a HEALTHCHECK', async () => {
    expect((await imageConfig(APP_IMAGE_TAG)).Healthcheck?.Test?.join(' ')).toMatch(/qraft-health|readyz|\/health/);
  });

  it('the app image carries the protocol probes only: no stack model, engine client, YAML parser, JSON-schema validator or fastify', async () => {
    const listed = await runCommand(ENGINE, ['run', '--rm', '--entrypoint', 'ls', APP_IMAGE_TAG, '/app/node_modules/.pnpm', '/app/node_modules/@qraft'], 60_000);
    expect(listed.ok).toBe(true);
    const packages = listed.stdout.split('\n').filter((l) => l.trim() !== '');
    expect(packages).toContain('health');
    expect(packages.filter((p) => /^(config|stack|dockerode|docker-modem|ssh2|cpu-features|yaml|@qraft\+config|ajv|ajv-formats|fastify|@fastify\+[^@]+|fast-json-stringify)(@|$)/.test(p))).toEqual([]);
  });

  // The workspace's secrets, or a throwaway set generated now when secrets/ does not exist (CI): the scan always runs.
  const scan = secretsForScan(ROOT);
  afterAll(() => scan[Symbol.dispose]());

  it.each(ALL_IMAGES)('CIS 4.10 no secrets in images: no secret value, secret file or literal password=/secret= in any layer or the image config of %s', async (ref) => {
    expect(scan.values.size).toBeGreaterThan(0);
    expect(findSecretsInImage(await saveImage(ENGINE, ref), scan.values)).toEqual([]);
  }, 120_000);

  it('fails on an image (offline base + one layer) with a generated secret in a layer, a secret file, a password in ENV and a root USER', async () => {
    const [name, secret] = [...scan.values].find(([n]) => n === 'secrets/clickhouse_app_password')!;
    const leaky = buildLeakyImage(secret);
    try {
      const image = await saveImage(ENGINE, leaky.tag);
      const findings = findSecretsInImage(image, scan.values);
      expect(findings.map((f) => `${f.where.replace(/^.*: /, '')} ${f.what}`).sort()).toEqual([
        `/opt/token.txt the value of ${name}`,
        '/run/secrets/db a file that is a secret by its path',
        'image config a literal credential (PASSWORD=…)',
      ]);
      expect(JSON.stringify(findings)).not.toContain(secret);
      expect(rootUserProblem(leaky.tag, image.config)).toMatch(/runs as root \(USER root\)/);
      expect(rootUserProblem('x', {})).toMatch(/sets no USER, so it runs as root/);
    } finally {
      leaky.remove();
    }
  }, 300_000);

  it('fails on a container whose log carries a generated secret, naming the secret and the line', async () => {
    const [name, secret] = [...scan.values].find(([n]) => n === 'secrets/prometheus_password')!;
    const container = `qraft-sectest-log-${randomBytes(4).toString('hex')}`;
    try {
      const ran = await runCommand(ENGINE, ['run', '--name', container, '--network', 'none', '--entrypoint', 'sh', OFFLINE_BASE, '-c', `echo starting; echo "login qraft:${secret}"`], 60_000);
      expect(ran.ok).toBe(true);
      const logs = await runCommand(ENGINE, ['logs', container]);
      expect(findSecretValues(logs.stdout + logs.stderr, scan.values)).toEqual([`${name} on line 2`]);
    } finally {
      await runCommand(ENGINE, ['rm', '-f', container]);
    }
  }, 120_000);

  describe('the app container, hardened as compose runs it', () => {
    it('CIS 5.12 root filesystem is read-only (app): it serves /healthz as uid 1000 with no capabilities and no-new-privileges, and logs no secret', async () => {
      await using app = await runAppContainer(ENGINE, HARDENED);
      expect(await httpOk(`${app.url}/healthz`, 30_000)).toContain('ok');
      expect(await hardeningProblems(app)).toEqual([]);
      expect(await app.exec('touch /app/probe 2>&1; echo exit=$?')).toMatch(/Read-only file system[\s\S]*exit=1/);
      const logs = await runCommand(ENGINE, ['logs', app.name]);
      expect(logs.stdout + logs.stderr).toContain('"service":"qraft-app"');
      expect(findSecretValues(logs.stdout + logs.stderr, scan.values)).toEqual([]);
    }, 90_000);

    it('catches a container started without the hardening flags', async () => {
      await using app = await runAppContainer(ENGINE, ['--tmpfs', '/tmp']);
      expect(await hardeningProblems(app)).toEqual([
        expect.stringMatching(/^CIS 5.12: the root file system is mounted rw/),
        'CIS 5.25: no-new-privileges is off',
        expect.stringMatching(/^CIS 5.3: capabilities are not dropped \(CapBnd:\s+0*[1-9a-f]/),
      ]);
    }, 90_000);
  });
});

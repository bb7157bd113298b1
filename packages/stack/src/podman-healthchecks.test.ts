import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pollUntil } from '@qraft/retry';
import { driveHealthchecks } from './podman-healthchecks';
import { runCommand } from './run-command';

// An offline image (no registry here) that has `test` and `sleep`: the base of the offline set.
const IMAGE = 'localhost/qraft-offline/base:bookworm';
const TSX = resolve(__dirname, '../../../node_modules/.bin/tsx');

function unavailable(): string | undefined {
  const podman = spawnSync('podman', ['image', 'exists', IMAGE], { encoding: 'utf8' });
  if (podman.error) return 'podman is not installed — run `pnpm nx run infra:engine -- --podman`';
  if (podman.status !== 0) return `${IMAGE} is not in Podman's store — build it with \`pnpm nx run infra:image -- --engine podman\``;
  return undefined;
}
const reason = unavailable();
if (reason) console.warn(`SKIPPED podman healthcheck driver tests: ${reason}`);

async function health(name: string): Promise<{ status: string; runs: number }> {
  const result = await runCommand('podman', ['inspect', '--format', '{{.State.Health.Status}} {{len .State.Health.Log}}', name]);
  if (!result.ok) throw new Error(`podman inspect ${name}: ${result.stderr.trim()}`);
  const [status, runs] = result.stdout.trim().split(' ');
  return { status: status!, runs: Number(runs) };
}

/**
 * A container of a made-up compose project whose healthcheck passes once /tmp/ready exists. Podman without
 * systemd never runs it on its own, so it stays `starting` until someone runs it.
 */
async function startingContainer(project: string): Promise<{ name: string } & AsyncDisposable> {
  const name = `${project}-probe`;
  const run = await runCommand('podman', [
    'run', '-d', '--init', '--name', name,
    '--label', `io.podman.compose.project=${project}`,
    '--health-cmd', 'test -f /tmp/ready', '--health-interval', '1s', '--health-retries', '1000',
    IMAGE, 'sleep', '600',
  ]);
  if (!run.ok) throw new Error(`podman run ${name}: ${run.stderr.trim()}`);
  return { name, [Symbol.asyncDispose]: async () => void (await runCommand('podman', ['rm', '-f', '-t', '0', name])) };
}

(reason ? describe.skip : describe)('driveHealthchecks against host Podman', () => {
  const project = (what: string) => `qraft-hc-test-${process.pid}-${what}`;

  it("runs a starting container's healthcheck until the container turns healthy, and stop() ends the loop", async () => {
    await using container = await startingContainer(project('healthy'));
    expect(await health(container.name)).toEqual({ status: 'starting', runs: 0 });

    const driver = driveHealthchecks(project('healthy'), 200);
    try {
      // Rounds run and fail while the file is missing; the container stays starting (retries left).
      await pollUntil('a healthcheck run by the driver', async () => ((await health(container.name)).runs > 0 ? true : undefined), 20_000);
      expect((await health(container.name)).status).toBe('starting');
      const exec = await runCommand('podman', ['exec', container.name, 'touch', '/tmp/ready']);
      expect(exec.ok).toBe(true);
      await pollUntil('the container to turn healthy', async () => ((await health(container.name)).status === 'healthy' ? true : undefined), 20_000);
    } finally {
      await driver.stop();
    }
  });

  it('lets the process exit once stop() returned: the loop leaves no timer behind, even with a long interval', async () => {
    await using container = await startingContainer(project('exit'));
    const dir = mkdtempSync(join(tmpdir(), 'qraft-hc-test-'));
    let child: ReturnType<typeof spawn> | undefined;
    try {
      const script = join(dir, 'drive.ts');
      // A 10-minute interval: only stop() cutting the sleep short lets this process end before the test's timeout.
      writeFileSync(
        script,
        `import { driveHealthchecks } from ${JSON.stringify(resolve(__dirname, 'podman-healthchecks'))};
import { execFileSync } from 'node:child_process';
const runs = () => Number(execFileSync('podman', ['inspect', '--format', '{{len .State.Health.Log}}', ${JSON.stringify(container.name)}]).toString().trim());
const driver = driveHealthchecks(${JSON.stringify(project('exit'))}, 600_000);
(async () => {
  while (runs() === 0) await new Promise((r) => setImmediate(r));
  // The driver is asleep once its only resource is its timer (no podman child running any more).
  const asleep = () => { const r = process.getActiveResourcesInfo(); return r.includes('Timeout') && !r.includes('ProcessWrap'); };
  while (!asleep()) await new Promise((r) => setImmediate(r));
  await driver.stop();
  console.log('stopped');
})();
`,
      );
      const driven = spawn(TSX, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
      child = driven;
      let output = '';
      driven.stdout.on('data', (c: Buffer) => (output += c.toString()));
      driven.stderr.on('data', (c: Buffer) => (output += c.toString()));
      const code = await new Promise<number | null>((done) => driven.on('exit', (c) => done(c)));
      expect({ code, output: output.trim() }).toEqual({ code: 0, output: 'stopped' });
    } finally {
      // A loop that did not end keeps the child alive: jest's timeout fails the test, this ends the child.
      if (child && child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { realEngineSkipReason } from '@qraft/testkit';

// infra/project.json's runtime input of infra:image and infra:offline-images, run against the real Docker engine.
const WORKSPACE = join(__dirname, '..', '..', '..');
const SCRIPT = join(WORKSPACE, 'infra', 'scripts', 'image-cache-key.mjs');

/** The `node <script> '<reference>'…` runtime input of an infra target, as script path and references. */
function cacheKeyInput(target: string): { script: string; references: string[] } | undefined {
  const project = JSON.parse(readFileSync(join(WORKSPACE, 'infra', 'project.json'), 'utf8')) as { targets: Record<string, { inputs?: Array<string | { runtime?: string }> }> };
  for (const input of project.targets[target]?.inputs ?? []) {
    const words = typeof input === 'object' ? input.runtime?.split(' ') : undefined;
    if (words?.[0] === 'node' && words[1]?.endsWith('image-cache-key.mjs')) return { script: join(WORKSPACE, words[1]), references: words.slice(2).map((w) => w.replace(/^'|'$/g, '')) };
  }
  return undefined;
}

describe('the image targets in infra/project.json', () => {
  it.each([
    ['image', ['qraft/app', 'qraft-offline/*']],
    ['offline-images', ['qraft-offline/*']],
  ])('infra:%s hashes the images it builds through the cache key script (without it, Nx replays a build whose image is gone)', (target, references) => {
    expect(cacheKeyInput(target)).toEqual({ script: SCRIPT, references });
  });
});
const TAG = 'qraft-cache-key-test/image:1';

function cacheKey(recordDir: string): string {
  const run = spawnSync(process.execPath, [SCRIPT, 'qraft-cache-key-test/*'], { encoding: 'utf8', env: { ...process.env, QRAFT_IMAGE_RECORD_DIR: recordDir } });
  if (run.status !== 0) throw new Error(`image-cache-key.mjs exited ${run.status}: ${run.stderr}`);
  return run.stdout;
}

function docker(...args: string[]): string {
  const run = spawnSync('docker', args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`docker ${args.join(' ')} failed: ${run.stderr}`);
  return run.stdout.trim();
}

const skip = realEngineSkipReason(existsSync('/var/run/docker.sock') ? undefined : 'no Docker engine at /var/run/docker.sock — run `pnpm nx run infra:engine`');
if (skip) console.warn(`SKIPPED the image cache key tests: ${skip}`);

(skip ? describe.skip : describe)('the image targets\' cache key (runtime input)', () => {
  let recordDir: string;
  let context: string;
  beforeAll(() => {
    recordDir = mkdtempSync(join(tmpdir(), 'qraft-cache-key-records-'));
    context = mkdtempSync(join(tmpdir(), 'qraft-cache-key-context-'));
    // A record as the image tools write it: this tag was built in Docker.
    writeFileSync(join(recordDir, 'qraft-cache-key-test_image_1.json'), JSON.stringify({ tag: TAG, engines: { docker: { imageId: 'sha256:0', inputsHash: 'sha256:0', sizeBytes: 0, builtAt: '', buildMs: 0 } } }));
    writeFileSync(join(context, 'marker'), 'qraft cache key test\n');
    writeFileSync(join(context, 'Dockerfile'), 'FROM scratch\nCOPY marker /marker\n');
  });
  afterAll(() => {
    spawnSync('docker', ['image', 'rm', '-f', TAG]);
    rmSync(recordDir, { recursive: true, force: true });
    rmSync(context, { recursive: true, force: true });
  });

  it('never repeats while an image its record says was built is missing, so Nx cannot replay the build without building', () => {
    spawnSync('docker', ['image', 'rm', '-f', TAG]);
    const first = cacheKey(recordDir);
    expect(first).toMatch(new RegExp(`^missing docker ${TAG} `, 'm'));
    expect(cacheKey(recordDir)).not.toBe(first);
  });

  it('repeats, holding the image\'s id, once the image is there; and stops repeating when it is removed again', () => {
    docker('build', '-q', '-t', TAG, context);
    const id = docker('image', 'inspect', '--format', '{{.Id}}', TAG);
    const key = cacheKey(recordDir);
    expect(key).toContain(`docker ${TAG} ${id}`);
    expect(key).not.toMatch(/^missing/m);
    expect(cacheKey(recordDir)).toBe(key);
    docker('image', 'rm', '-f', TAG);
    expect(cacheKey(recordDir)).toMatch(/^missing docker/m);
  });
});

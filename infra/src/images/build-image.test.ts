import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildImage } from './build-image';
import { imageExists, removeImage, type EngineName } from './container-engine';
import { readImageRecord } from './image-record';
import { itOnEngine } from './test-engines';

/** A tiny FROM-scratch image in a temp context with a temp record dir; removed again on dispose. */
function throwawayImage(engine: EngineName): { tag: string; context: string; recordDir: string } & AsyncDisposable {
  const dir = mkdtempSync(join(tmpdir(), 'qraft-build-test-'));
  const context = join(dir, 'context');
  const recordDir = join(dir, 'records');
  mkdirSync(context);
  writeFileSync(join(context, 'Dockerfile'), 'FROM scratch\nCOPY marker.txt /marker.txt\n');
  writeFileSync(join(context, 'marker.txt'), randomBytes(8).toString('hex'));
  const tag = `qraft-test/cache-${randomBytes(4).toString('hex')}:t`;
  return {
    tag,
    context,
    recordDir,
    [Symbol.asyncDispose]: async () => {
      await removeImage(engine, tag);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe.each(['docker', 'podman'] as const)('buildImage on %s', (engine) => {
  const it = itOnEngine(engine);

  it('skips the second build of unchanged inputs and answers the same image id', async () => {
    await using img = throwawayImage(engine);
    const first = await buildImage({ engine, tag: img.tag, context: img.context, recordDir: img.recordDir });
    expect(first.cached).toBe(false);
    expect(first.sizeBytes).toBeGreaterThan(0);
    expect(readImageRecord(img.recordDir, img.tag).engines[engine]?.imageId).toBe(first.imageId);
    const second = await buildImage({ engine, tag: img.tag, context: img.context, recordDir: img.recordDir });
    expect(second).toMatchObject({ cached: true, imageId: first.imageId, inputsHash: first.inputsHash });
  }, 120_000);

  it('rebuilds when the recorded image no longer exists in the engine', async () => {
    await using img = throwawayImage(engine);
    const first = await buildImage({ engine, tag: img.tag, context: img.context, recordDir: img.recordDir });
    expect(await removeImage(engine, img.tag)).toBe(true);
    expect(await imageExists(engine, first.imageId)).toBe(false);
    const again = await buildImage({ engine, tag: img.tag, context: img.context, recordDir: img.recordDir });
    expect(again.cached).toBe(false);
    expect(await imageExists(engine, img.tag)).toBe(true);
  }, 120_000);

  it('rebuilds when a file in the context changes', async () => {
    await using img = throwawayImage(engine);
    const first = await buildImage({ engine, tag: img.tag, context: img.context, recordDir: img.recordDir });
    writeFileSync(join(img.context, 'marker.txt'), 'changed');
    const second = await buildImage({ engine, tag: img.tag, context: img.context, recordDir: img.recordDir });
    expect(second.cached).toBe(false);
    expect(second.inputsHash).not.toBe(first.inputsHash);
  }, 120_000);
});

describe('buildImage inputs', () => {
  it('names the missing Dockerfile before touching any engine', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qraft-build-test-'));
    try {
      await expect(buildImage({ engine: 'docker', tag: 'qraft/app:dev', context: dir })).rejects.toThrow(
        `${join(dir, 'Dockerfile')} does not exist — qraft/app:dev is built from it; write it first`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

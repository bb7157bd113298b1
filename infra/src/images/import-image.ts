import { type Progress, runCommand, silentProgress } from '@qraft/stack';
import { findCurrentImage, formatBytes, INPUTS_HASH_LABEL, removeSuperseded, type BuiltImage } from './build-image';
import { assertEngine, inspectImage, type EngineName } from './container-engine';
import { DEFAULT_RECORD_DIR, readImageRecord, writeImageRecord } from './image-record';

export interface ImportImageInput {
  readonly engine: EngineName;
  readonly tag: string;
  /** A root filesystem tarball. */
  readonly tarball: string;
  readonly inputsHash: string;
  /** Dockerfile instructions applied on import, e.g. `CMD ["bash"]`. */
  readonly changes?: readonly string[];
  readonly recordDir?: string;
  readonly progress?: Progress;
  readonly force?: boolean;
}

/** `docker import` / `podman import` of a rootfs tarball, with the same record and skip rule as buildImage. */
export async function importImage(input: ImportImageInput): Promise<BuiltImage> {
  const { engine, tag, inputsHash } = input;
  const recordDir = input.recordDir ?? DEFAULT_RECORD_DIR;
  const progress = input.progress ?? silentProgress;
  const startedAt = Date.now();
  await assertEngine(engine);
  if (!input.force) {
    const current = await findCurrentImage(engine, tag, inputsHash, recordDir);
    if (current) {
      progress.line(`${tag} (${engine}): cached, image ${current.imageId.slice(7, 19)} is current`);
      return { engine, tag, ...current, cached: true, inputsHash, durationMs: Date.now() - startedAt };
    }
  }
  const done = progress.step(`${tag} (${engine}): import rootfs`);
  const changes = [...(input.changes ?? []), `LABEL ${INPUTS_HASH_LABEL}=${inputsHash}`];
  const args = ['import', ...changes.flatMap((c) => ['--change', c]), input.tarball, tag];
  const result = await runCommand(engine, args, 10 * 60_000);
  const info = result.ok ? await inspectImage(engine, tag) : undefined;
  if (!info) {
    done('failed');
    throw new Error(`${engine} import of ${input.tarball} as ${tag} failed: ${result.stderr.trim() || 'the image is not there afterwards'}`);
  }
  const durationMs = Date.now() - startedAt;
  done(`imported ${info.id.slice(7, 19)}, ${formatBytes(info.sizeBytes)}`);
  await removeSuperseded(engine, readImageRecord(recordDir, tag).engines[engine]?.imageId, info.id);
  writeImageRecord(recordDir, tag, engine, { imageId: info.id, inputsHash, sizeBytes: info.sizeBytes, builtAt: new Date().toISOString(), buildMs: durationMs });
  return { engine, tag, imageId: info.id, sizeBytes: info.sizeBytes, cached: false, inputsHash, durationMs };
}

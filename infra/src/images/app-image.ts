import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { runCommand } from '../run-command';
import { buildImage, type BuiltImage } from './build-image';
import type { EngineName } from './container-engine';
import { hashBuildInputs } from './inputs-hash';
import { buildOfflineImages, OFFLINE_IMAGES } from './offline-image-set';
import { silentProgress, type Progress } from './progress';

export const APP_IMAGE_TAG = 'qraft/app:dev';
/** The build argument that names the app's Node base image (the app's Dockerfile declares it). */
export const NODE_IMAGE_ARG = 'NODE_IMAGE';
const WORKSPACE_ROOT = resolve(__dirname, '../../..');

export interface AppImageInput {
  readonly engine: EngineName;
  readonly tag?: string;
  /** `offline` (default) builds FROM qraft-offline/node:20; `upstream` keeps the Dockerfile's own default. */
  readonly nodeBase?: 'offline' | 'upstream';
  readonly force?: boolean;
  readonly progress?: Progress;
  readonly workspaceRoot?: string;
  /** Where the app image's record lives; defaults to infra/.image. */
  readonly recordDir?: string;
}

/** qraft/app:dev from packages/app/Dockerfile with the workspace as context, through buildImage. */
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
  }
  const revision = await runCommand('git', ['-C', root, 'rev-parse', 'HEAD']);
  if (revision.ok) buildArgs['REVISION'] = revision.stdout.trim();
  const inputsHash = hashBuildInputs({ context: root, dockerfile, buildArgs, extra });
  return buildImage({
    engine: input.engine,
    tag: input.tag ?? APP_IMAGE_TAG,
    context: root,
    dockerfile,
    buildArgs,
    inputsHash,
    progress,
    force: input.force ?? false,
    ...(input.recordDir ? { recordDir: input.recordDir } : {}),
  });
}

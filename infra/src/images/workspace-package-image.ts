import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildImage, findCurrentImage, type BuiltImage } from './build-image';
import type { EngineName } from './container-engine';
import { hashBuildInputs, hashSourceTree } from './inputs-hash';
import type { Progress } from '@qraft/stack';
import { streamCommand } from '@qraft/stack';

const WORKSPACE_ROOT = resolve(__dirname, '../../..');

export interface WorkspacePackageImageInput {
  readonly engine: EngineName;
  readonly tag: string;
  /** The Nx project name and the package directory under packages/, e.g. `exporter`. */
  readonly project: string;
  /** infra/images/<name>: its Dockerfile takes the deployed package from `pkg/` in the context. */
  readonly imageDir: string;
  /** The Node base (build arg NODE_IMAGE) and its id, which is part of the inputs. */
  readonly nodeImage: { readonly tag: string; readonly imageId: string };
  readonly labels: Readonly<Record<string, string>>;
  readonly cacheDir: string;
  readonly recordDir: string;
  readonly progress: Progress;
  readonly force: boolean;
  readonly workspaceRoot?: string;
}

/**
 * An offline image made of one workspace package on the offline Node base. `pnpm deploy` writes timestamps,
 * so the inputs are hashed from what it reads (the package's sources, the lockfile, the Dockerfile, the base
 * id), checked before anything is built: a current image costs no build and no deploy.
 */
export async function buildWorkspacePackageImage(input: WorkspacePackageImageInput): Promise<BuiltImage> {
  const root = input.workspaceRoot ?? WORKSPACE_ROOT;
  const dockerfile = join(input.imageDir, 'Dockerfile');
  const buildArgs = { NODE_IMAGE: input.nodeImage.tag };
  const sources = hashSourceTree(root, [`packages/${input.project}`, 'package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml', 'tsconfig.base.json'], ['node_modules', 'dist', 'coverage']);
  const inputsHash = hashBuildInputs({
    dockerfile,
    buildArgs,
    extra: { sources, nodeImageId: input.nodeImage.imageId, dockerfileDir: hashSourceTree(input.imageDir, [''], []) },
  });
  if (!input.force) {
    const current = await findCurrentImage(input.engine, input.tag, inputsHash, input.recordDir);
    if (current) {
      input.progress.line(`${input.tag} (${input.engine}): cached, image ${current.imageId.slice(7, 19)} is current`);
      return { engine: input.engine, tag: input.tag, ...current, cached: true, inputsHash, durationMs: 0 };
    }
  }
  mkdirSync(join(input.cacheDir, 'context'), { recursive: true });
  const context = mkdtempSync(join(input.cacheDir, 'context', `${input.project}-`));
  try {
    const done = input.progress.step(`${input.project}: build and deploy the package into the image context`);
    for (const args of [
      ['nx', 'run', `${input.project}:build`],
      ['--filter', `./packages/${input.project}`, 'deploy', '--prod', join(context, 'pkg')],
    ]) {
      const result = await streamCommand('pnpm', args, { cwd: root, timeoutMs: 10 * 60_000, env: { ...process.env, NX_DAEMON: 'false' } });
      if (!result.ok) {
        done('failed');
        throw new Error(`\`pnpm ${args.join(' ')}\` failed (${result.error || `exit ${result.exitCode}`}) — ${input.tag} needs it:\n${result.tail.join('\n')}`);
      }
    }
    done();
    return await buildImage({
      engine: input.engine,
      tag: input.tag,
      context,
      dockerfile,
      buildArgs,
      inputsHash,
      labels: input.labels,
      recordDir: input.recordDir,
      progress: input.progress,
      force: input.force,
    });
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { composeFilePath, loadStack, readStackCredentials, type StackCredentials, type StackModel } from '@qraft/config';
import type { ComposeTarget } from './compose';
import { detectRuntime, type Runtime } from './runtime';

/** Which stack to operate: the engine choice (undefined detects one), variant and image set, and where. */
export interface OpenStackInput {
  readonly engine?: string | undefined;
  readonly variant?: string | undefined;
  readonly imageSet?: string | undefined;
  readonly workspaceRoot: string;
}

/** Everything needed to operate one stack: its model, the engine and compose tool, a Docker-API client. */
export interface StackHandle {
  readonly model: StackModel;
  readonly runtime: Runtime;
  readonly docker: Dockerode;
  readonly target: ComposeTarget;
  /** The stack's own accounts (@qraft/config's one reader of secrets/). */
  readonly credentials: StackCredentials;
  readonly workspaceRoot: string;
}

/** Resolves model, engine, compose target and credentials; touches nothing that runs. */
export async function openStack(input: OpenStackInput, env: Readonly<Record<string, string | undefined>>): Promise<StackHandle> {
  // The model first: a bad QRAFT_* value is reported as such, also on a host without an engine.
  const model = loadStack({ variant: input.variant, imageSet: input.imageSet, env });
  const runtime = await detectRuntime(input.engine);
  const file = composeFilePath(model.variant, model.imageSet);
  if (!existsSync(join(input.workspaceRoot, file))) {
    throw new Error(`${file} is missing — run \`pnpm nx run config:generate\` (it renders every variant and image set)`);
  }
  const docker = new Dockerode({ socketPath: runtime.socketPath });
  const credentials = readStackCredentials(input.workspaceRoot, model);
  return { model, runtime, docker, credentials, workspaceRoot: input.workspaceRoot, target: { runtime, file, project: model.project, cwd: input.workspaceRoot } };
}

import { composeStream } from './compose';
import type { StackHandle } from './open-stack';
import { clearOtherCheckouts } from './other-checkout';
import { stopTimeoutArgs } from './stop-timeout';
import type { Progress } from './progress';

/**
 * Stops and removes the stack's containers and networks; data under data/ stays. Verifies nothing is left. Containers
 * with the stack's names that another checkout's `up` created are left alone, with an error saying whose they are
 * (compose names them by the project, so `down` here would remove them), as `up` does.
 */
export async function downStack(handle: StackHandle, progress: Progress): Promise<void> {
  for (const name of await clearOtherCheckouts(handle.docker, handle.model, handle.workspaceRoot, handle.target.file, handle.runtime.engine.name)) {
    progress.line(`removed ${name}: compose created it from a checkout that no longer exists`);
  }
  const args = ['down', ...stopTimeoutArgs(handle.model, handle.target.runtime.compose)];
  const done = progress.step(`${handle.target.runtime.compose.command.join(' ')} ${args.join(' ')}`);
  const result = await composeStream(handle.target, args, (line) => progress.line(`  ${line}`));
  if (!result.ok) {
    done('failed');
    throw new Error(`compose down failed (exit ${result.exitCode}):\n${result.tail.slice(-15).join('\n')}`);
  }
  for (const line of await handle.runtime.engine.afterDown(handle.model)) progress.line(`  ${line}`);
  const names = new Set(Object.values(handle.model.services).map((s) => s.containerName));
  const left = (await handle.docker.listContainers({ all: true }))
    .flatMap((c) => c.Names.map((n) => n.replace(/^\//, '')))
    .filter((n) => names.has(n));
  if (left.length > 0) {
    done('incomplete');
    throw new Error(`containers still present after down: ${left.join(', ')} — remove them with \`${handle.runtime.engine.name} rm -f ${left.join(' ')}\``);
  }
  done('nothing left running');
}

import type { Progress } from '../images/progress';
import { composeStream } from './compose';
import type { StackHandle } from './up';

/** Stops and removes the stack's containers and networks; data under data/ stays. Verifies nothing is left. */
export async function downStack(handle: StackHandle, progress: Progress): Promise<void> {
  const done = progress.step(`${handle.target.runtime.compose.command.join(' ')} down`);
  const result = await composeStream(handle.target, ['down'], (line) => progress.line(`  ${line}`));
  if (!result.ok) {
    done('failed');
    throw new Error(`compose down failed (exit ${result.exitCode}):\n${result.tail.slice(-15).join('\n')}`);
  }
  const names = new Set(Object.values(handle.model.services).map((s) => s.containerName));
  const left = (await handle.docker.listContainers({ all: true }))
    .flatMap((c) => c.Names.map((n) => n.replace(/^\//, '')))
    .filter((n) => names.has(n));
  if (left.length > 0) {
    done('incomplete');
    throw new Error(`containers still present after down: ${left.join(', ')} — remove them with \`${handle.target.runtime.compose.engine} rm -f ${left.join(' ')}\``);
  }
  done('nothing left running');
}

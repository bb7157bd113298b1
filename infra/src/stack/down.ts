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
  // podman-compose 1.0.3 leaves the project's networks behind; a stale one keeps its old settings
  // (e.g. no DNS) for the next `up`, so remove them here for every engine.
  const networks = await handle.docker.listNetworks({ filters: { label: [`com.docker.compose.project=${handle.model.project}`] } });
  for (const network of networks) {
    await handle.docker.getNetwork(network.Id).remove().catch((error: Error) => progress.line(`  could not remove network ${network.Name}: ${error.message}`));
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

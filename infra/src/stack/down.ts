import type { Progress } from '../images/progress';
import { composeStream } from './compose';
import { runCommand } from '../run-command';
import type { StackHandle } from './up';

/** Stops and removes the stack's containers and networks; data under data/ stays. Verifies nothing is left. */
export async function downStack(handle: StackHandle, progress: Progress): Promise<void> {
  const done = progress.step(`${handle.target.runtime.compose.command.join(' ')} down`);
  const result = await composeStream(handle.target, ['down'], (line) => progress.line(`  ${line}`));
  if (!result.ok) {
    done('failed');
    throw new Error(`compose down failed (exit ${result.exitCode}):\n${result.tail.slice(-15).join('\n')}`);
  }
  // podman-compose 1.0.3 leaves the project's networks behind. Docker's compose removes them itself.
  // On Podman we keep a network only if it has DNS: removing and re-creating one under the same name
  // can leave the CNI dnsname plugin's dnsmasq bound to the deleted bridge (containers then cannot
  // resolve each other), while a network created before the plugin was installed never gets DNS.
  if (handle.runtime.compose.engine === 'podman') {
    for (const name of projectNetworks(handle)) {
      const dns = await runCommand('podman', ['network', 'inspect', name, '--format', '{{.DNSEnabled}}']);
      if (!dns.ok || dns.stdout.trim() === 'true') continue;
      const removed = await runCommand('podman', ['network', 'rm', name]);
      progress.line(`  ${removed.ok ? 'removed' : 'could not remove'} network ${name} (it has no DNS)`);
    }
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

/** The compose networks of the project, as compose names them. */
export function projectNetworks(handle: StackHandle): string[] {
  return Object.keys(handle.model.networks).map((n) => `${handle.model.project}_${n}`);
}

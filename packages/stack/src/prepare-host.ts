import { chmodSync, chownSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { dataDirectories, type StackModel } from '@qraft/config';
import { isPortFree } from './is-port-free';

/** Every published host port that is taken by something other than this stack, as one readable error. */
export async function assertPortsFree(model: StackModel, ownContainersRunning: ReadonlySet<string>): Promise<void> {
  const problems: string[] = [];
  for (const service of Object.values(model.services)) {
    if (!service.available || ownContainersRunning.has(service.containerName)) continue;
    for (const port of service.ports) {
      if (port.host === undefined) continue;
      if (!(await isPortFree(port.host, port.hostIp))) {
        problems.push(`port ${port.host} (${service.name} ${port.name}) is already in use on ${port.hostIp} — stop the other process or set ${port.env}`);
      }
    }
  }
  if (problems.length > 0) throw new Error(problems.join('\n'));
}

/**
 * Creates the bind-mounted data and log directories and gives each to its service's user, so no
 * container has to start as root to fix ownership. Without root we can only check, and say how to fix it.
 */
export function prepareDirectories(model: StackModel, workspaceRoot: string): string[] {
  const isRoot = process.getuid?.() === 0;
  const warnings: string[] = [];
  for (const dir of dataDirectories(model)) {
    const path = join(workspaceRoot, dir.path);
    mkdirSync(path, { recursive: true });
    if (isRoot) {
      chownSync(path, dir.uid, dir.gid);
      chmodSync(path, dir.mode);
    } else if (statSync(path).uid !== dir.uid) {
      warnings.push(`${dir.path} should belong to uid ${dir.uid} (${dir.service}) — run \`sudo chown -R ${dir.uid}:${dir.gid} ${dir.path}\``);
    }
  }
  return warnings;
}

import { existsSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type Dockerode from 'dockerode';
import type { StackModel } from '@qraft/config';

/** The label docker compose and podman-compose put on each container: the project directory it was created from. */
export const WORKING_DIR_LABEL = 'com.docker.compose.project.working_dir';

export interface ForeignContainer {
  readonly name: string;
  /** The compose project directory the container was created from (an absolute path). */
  readonly dir: string;
}

/**
 * Containers with this stack's names that compose created from another checkout of the repository. Compose names
 * them by the project, not the directory, so `up` here would adopt them half-way: compose re-creates a container
 * whose service changed (a bind mount path does) but keeps one whose service reads only compose secrets, which
 * would then still mount the other checkout's passwords (seen: the exporter kept logging in to a re-created
 * ClickHouse with the other checkout's password, and Prometheus' ClickHouse target stayed down).
 */
export function foreignContainers(containers: readonly Dockerode.ContainerInfo[], names: ReadonlySet<string>, workspaceRoot: string): ForeignContainer[] {
  const root = realpathOr(workspaceRoot);
  return containers.flatMap((c) => {
    const name = c.Names.map((n) => n.replace(/^\//, '')).find((n) => names.has(n));
    const dir = c.Labels?.[WORKING_DIR_LABEL];
    if (name === undefined || dir === undefined || !isAbsolute(dir)) return [];
    const inside = relative(root, realpathOr(dir));
    return inside.startsWith('..') || isAbsolute(inside) ? [{ name, dir }] : [];
  });
}

/**
 * Before `up` and `down`: containers of a checkout that no longer exists (a deleted clone never brought down) are removed, and
 * their names returned; containers of a checkout that still exists stop `up` (and `down`), with an error naming them, where they
 * came from and how to clear them.
 */
export async function clearOtherCheckouts(docker: Dockerode, model: StackModel, workspaceRoot: string, composeFile: string, engine: string): Promise<string[]> {
  const names = new Set(Object.values(model.services).map((s) => s.containerName));
  const foreign = foreignContainers(await docker.listContainers({ all: true }).catch(() => []), names, workspaceRoot);
  const orphans = foreign.filter((f) => !existsSync(f.dir));
  await Promise.all(orphans.map((f) => docker.getContainer(f.name).remove({ force: true })));
  const live = foreign.filter((f) => existsSync(f.dir));
  if (live.length === 0) return orphans.map((f) => f.name);
  // The other checkout's root: its project directory is the directory of the stack's compose file there too.
  const below = relative(workspaceRoot, dirname(resolve(workspaceRoot, composeFile)));
  const roots = [...new Set(live.map((f) => (below !== '' && f.dir.endsWith(`/${below}`) ? f.dir.slice(0, -below.length - 1) : f.dir)))];
  const who = live.map((f) => f.name).join(', ');
  const verb = live.length === 1 ? 'belongs' : 'belong';
  const listed = live.map((f) => f.name).join(' ');
  // One line, as docs/troubleshooting.md lists it.
  throw new Error(`${who} ${verb} to the stack of another checkout (${roots.join(', ')}), not to ${workspaceRoot} — bring that stack down first (cd ${roots[0]} && pnpm nx run infra:down), or remove its containers: ${engine} rm -f ${listed}`);
}

function realpathOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

import type { StackModel } from '@qraft/config';
import { podmanAdapter } from './podman-adapter';

export type EngineName = 'docker' | 'podman';

/** Docker-API sockets: Docker's own, and Podman's API service (`podman system service`). */
export const SOCKETS: Readonly<Record<EngineName, string>> = {
  docker: '/var/run/docker.sock',
  podman: '/run/podman/podman.sock',
};

/**
 * What differs between Docker and Podman once compose has run. Everything else (compose arguments, the
 * Docker API through dockerode, readiness) is the same on both, so callers never branch on the engine.
 * Container names need no adapting: the model sets `container_name`, so compose v1's `proj_svc_1` and
 * v2's `proj-svc-1` never appear.
 */
export interface EngineAdapter {
  readonly name: EngineName;
  readonly socketPath: string;
  /**
   * Runs `start` (compose creating or restarting containers) with whatever the engine needs meanwhile:
   * Podman without systemd needs its healthchecks driven, or podman-compose 1.3 waits on them forever.
   */
  readonly whileStarting: <T>(model: StackModel, start: () => Promise<T>) => Promise<T>;
  /** Repairs after compose created or restarted containers; answers one line per thing it changed. */
  readonly afterStart: (model: StackModel) => Promise<string[]>;
  /** Clean-up after `compose down`; answers one line per thing it removed or could not remove. */
  readonly afterDown: (model: StackModel) => Promise<string[]>;
}

const dockerAdapter: EngineAdapter = {
  name: 'docker',
  socketPath: SOCKETS.docker,
  whileStarting: (_model, start) => start(),
  afterStart: async () => [],
  // Docker's compose removes the project's networks itself.
  afterDown: async () => [],
};

export function engineAdapter(name: EngineName): EngineAdapter {
  return name === 'podman' ? podmanAdapter(SOCKETS.podman) : dockerAdapter;
}

import type { ServiceName, StackModel } from './stack-model';

export interface DataDirectory {
  /** Relative to the repository root. */
  readonly path: string;
  readonly service: ServiceName;
  readonly kind: 'data' | 'logs';
  readonly uid: number;
  readonly gid: number;
  readonly mode: number;
}

/**
 * Bind-mounted directories the services write to. `infra:up` creates them and, as root, chowns them to
 * the service's user before start, so no container needs to run as root to fix ownership.
 */
export function dataDirectories(model: StackModel): DataDirectory[] {
  return Object.values(model.services)
    .filter((s) => s.available)
    .flatMap((s) =>
      (
        [
          ['data', s.data],
          ['logs', s.logs],
        ] as const
      )
        .filter(([, mount]) => mount !== undefined)
        .map(([kind, mount]) => ({ path: mount!.host, service: s.name, kind, uid: s.user.uid, gid: s.user.gid, mode: 0o750 })),
    );
}

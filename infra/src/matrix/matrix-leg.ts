import { UsageError } from '@qraft/cli';
import type { EngineName } from '@qraft/stack';

/** Where a leg's engine runs: the host's own, or a current engine nested in a container of the host's Docker. */
export type LegPlace = 'host' | 'nested';

export interface MatrixLeg {
  /** host-docker, host-podman, nested-docker, nested-podman: names reports/matrix/<id>.xml. */
  readonly id: string;
  readonly place: LegPlace;
  readonly engine: EngineName;
}

/** Every leg this host can give, in run order: the host's engines first, then the current ones. */
export const MATRIX_LEGS: readonly MatrixLeg[] = [
  { id: 'host-docker', place: 'host', engine: 'docker' },
  { id: 'host-podman', place: 'host', engine: 'podman' },
  { id: 'nested-docker', place: 'nested', engine: 'docker' },
  { id: 'nested-podman', place: 'nested', engine: 'podman' },
];

/** `--legs host-docker,nested-podman` → those legs in run order; an unknown name says which exist. */
export function parseLegs(value: string | undefined): MatrixLeg[] {
  if (value === undefined || value.trim() === '' || value.trim() === 'all') return [...MATRIX_LEGS];
  const wanted = value.split(',').map((v) => v.trim()).filter((v) => v !== '');
  const unknown = wanted.filter((w) => !MATRIX_LEGS.some((l) => l.id === w));
  if (unknown.length > 0) {
    throw new UsageError(`matrix leg "${unknown.join('", "')}" is not known — use ${MATRIX_LEGS.map((l) => l.id).join(', ')} or all (option --legs)`);
  }
  return MATRIX_LEGS.filter((l) => wanted.includes(l.id));
}

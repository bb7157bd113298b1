import { MATRIX_LEGS, parseLegs } from './matrix-leg';

describe('matrix legs', () => {
  it('runs every leg, host engines first, when none is named', () => {
    expect(parseLegs(undefined).map((l) => l.id)).toEqual(['host-docker', 'host-podman', 'nested-docker', 'nested-podman']);
    expect(parseLegs('all')).toEqual(MATRIX_LEGS);
  });

  it('keeps run order for a named subset', () => {
    expect(parseLegs('nested-podman, host-docker').map((l) => l.id)).toEqual(['host-docker', 'nested-podman']);
  });

  it('names the unknown leg and the ones that exist', () => {
    expect(() => parseLegs('nested-lxc')).toThrow('matrix leg "nested-lxc" is not known — use host-docker, host-podman, nested-docker, nested-podman or all (option --legs)');
  });
});

import { planEngineBootstrap } from './bootstrap-engine';

describe('engine bootstrap before up', () => {
  it('uses an engine that already answers', () => {
    expect(planEngineBootstrap({ engineAnswers: true, root: false, apt: false }, 'docker')).toEqual({ kind: 'ready' });
  });

  it('installs the chosen engine with engine.sh on a root Debian/Ubuntu host without one', () => {
    expect(planEngineBootstrap({ engineAnswers: false, root: true, apt: true }, 'docker')).toEqual({ kind: 'bootstrap', command: ['bash', 'infra/scripts/engine.sh', '--docker'] });
    expect(planEngineBootstrap({ engineAnswers: false, root: true, apt: true }, 'podman')).toEqual({ kind: 'bootstrap', command: ['bash', 'infra/scripts/engine.sh', '--podman'] });
  });

  it('stops with the exact sudo command when not root', () => {
    const plan = planEngineBootstrap({ engineAnswers: false, root: false, apt: true }, 'docker');
    expect(plan).toEqual({ kind: 'refuse', message: 'no container engine answers — install one as root: `sudo bash infra/scripts/engine.sh --docker`, then run `pnpm nx run infra:up` again' });
  });

  it('says what to install by hand on a host that is not Debian/Ubuntu', () => {
    const plan = planEngineBootstrap({ engineAnswers: false, root: true, apt: false }, 'docker');
    expect(plan.kind).toBe('refuse');
    expect(plan.kind === 'refuse' && plan.message).toContain('install Docker (with compose v2) or Podman (with podman-compose)');
  });
});

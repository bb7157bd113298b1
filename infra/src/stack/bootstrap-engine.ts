import { spawnSync } from 'node:child_process';
import { checkEngine, parseImageEngine, type EngineName } from '../images/container-engine';
import { runCommand } from '@qraft/stack';

export interface EngineHost {
  /** Whether docker or podman (the chosen one, when one is chosen) already answers. */
  readonly engineAnswers: boolean;
  readonly root: boolean;
  /** apt-get present: Debian or Ubuntu, where infra/scripts/engine.sh works. */
  readonly apt: boolean;
}

export type BootstrapPlan = { readonly kind: 'ready' } | { readonly kind: 'bootstrap'; readonly command: readonly string[] } | { readonly kind: 'refuse'; readonly message: string };

const ENGINE_SH = 'infra/scripts/engine.sh';

/**
 * What `infra:up` does about the engine on this host. Pure, so each branch is tested: an engine that answers
 * is used; none on a root Debian/Ubuntu host is installed by engine.sh; otherwise the exact command to run.
 */
export function planEngineBootstrap(host: EngineHost, engine: EngineName): BootstrapPlan {
  if (host.engineAnswers) return { kind: 'ready' };
  const flag = `--${engine}`;
  if (!host.apt) {
    return {
      kind: 'refuse',
      message:
        `no container engine answers and this host has no apt-get (not Debian/Ubuntu), so it cannot be bootstrapped here — ` +
        `install Docker (with compose v2) or Podman (with podman-compose), start it and run \`pnpm nx run infra:up\` again (docs/requirements.md)`,
    };
  }
  if (!host.root) {
    return {
      kind: 'refuse',
      message: `no container engine answers — install one as root: \`sudo bash ${ENGINE_SH} ${flag}\`, then run \`pnpm nx run infra:up\` again`,
    };
  }
  return { kind: 'bootstrap', command: ['bash', ENGINE_SH, flag] };
}

/**
 * Before `up` (which then builds its images): on a fresh root Debian/Ubuntu host with no engine, install and start
 * one (saying so in one line); elsewhere stop with the exact command. `choice` is --engine / QRAFT_ENGINE.
 */
export async function ensureEngine(workspaceRoot: string, choice: string | undefined, say: (line: string) => void): Promise<void> {
  const chosen = choice ?? process.env['QRAFT_ENGINE'];
  const engine: EngineName = chosen ? parseImageEngine(chosen) : 'docker';
  const answers = chosen ? (await checkEngine(engine)).ok : (await checkEngine('docker')).ok || (await checkEngine('podman')).ok;
  const plan = planEngineBootstrap(
    { engineAnswers: answers, root: process.getuid?.() === 0, apt: (await runCommand('apt-get', ['--version'])).ok },
    engine,
  );
  if (plan.kind === 'ready') return;
  if (plan.kind === 'refuse') throw new Error(plan.message);
  say(`no container engine answers on this host: bootstrapping ${engine} with \`${plan.command.join(' ')}\` (root on Debian/Ubuntu)`);
  const [file, ...args] = plan.command;
  const run = spawnSync(file!, args, { cwd: workspaceRoot, stdio: ['ignore', 'inherit', 'inherit'] });
  if (run.status !== 0) throw new Error(`engine bootstrap \`${plan.command.join(' ')}\` failed (exit ${run.status}) — see its output above`);
  if (!(await checkEngine(engine)).ok) throw new Error(`${engine} still does not answer after \`${plan.command.join(' ')}\` — see /var/log/dockerd.log or /var/log/podman-service.log`);
}

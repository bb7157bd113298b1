import type { StackModel } from '@qraft/config';
import type { ComposeTool } from './runtime';

/** One compose call of `up`: its arguments, and a compose file to lay over the stack's for this call only. */
export interface ComposeUpCall {
  readonly args: readonly string[];
  readonly override?: { readonly name: string; readonly content: string };
  /**
   * True where compose waits on no healthcheck in this call although the engine would need them driven
   * (podman-compose 1.3 with the override): `up` then starts compose without Podman's healthcheck driver, whose
   * `podman healthcheck run` rounds slowed the containers' creation (2.1 s → 3.4–3.7 s in two of three tries).
   */
  readonly skipsEngineHealth?: true;
}

/** `gate` (what `up` does: compose never waits, the readiness gate decides) or `depends_on`: the plain `up -d`, as a user's own `docker compose up` runs (the benchmark's baseline). */
export type StartOrder = 'gate' | 'depends_on';

/**
 * The compose calls `up` makes, in order. Compose holds a service on `depends_on: service_healthy` until the
 * engine's healthcheck of each dependency has passed, and Docker runs the first check one interval (2 s) after
 * start — seconds our readiness gate (polling from 25 ms) does not need, since the app copes with any start
 * order. `--no-deps` naming every service is not enough: compose still orders the named services by their
 * depends_on. The generated file keeps depends_on for a plain `docker compose up`; for `up` itself:
 * - docker compose v2 from 2.24 (it reads the `!reset` tag): one `up -d` with an override that resets depends_on, so
 *   compose creates and starts every container at once;
 * - docker-compose v1 and compose v2 before 2.24 (no `!reset`): one `up -d --no-deps` per dependency layer, naming only services whose
 *   dependencies an earlier call started, so compose drops those depends_on and never waits;
 * - podman-compose from 1.3 (it waits on the conditions with `podman wait --condition=healthy` before it creates the
 *   next container, and its YAML loader refuses `!reset`): one `up -d` with an override that turns each condition into
 *   `service_started` (its merge replaces a dependency's condition key by key), so it waits only until the
 *   dependencies run — which they do, since it creates them first. Nothing in that call waits on a healthcheck, so
 *   Podman's healthcheck driver stays off during it (`podman ps` shows `starting` until a check runs). `--no-deps`
 *   per layer would not help: 1.3 waits on the conditions of every container it starts, named or not. The override
 *   is part of podman-compose's config hash: a later `podman-compose up` without it re-creates the stack's
 *   containers (`restart` does not check it).
 * - podman-compose before 1.3: one plain `up -d` — it ignores the conditions, and every extra call costs a Python
 *   start-up and a read of the whole file.
 */
export function composeUpCalls(model: StackModel, tool: Pick<ComposeTool, 'name' | 'version'>, order: StartOrder = 'gate'): ComposeUpCall[] {
  if (order === 'depends_on') return [{ args: ['up', '-d'] }];
  const dependants = Object.values(model.services).filter((s) => s.available && s.dependsOn.length > 0);
  if (dependants.length === 0) return [{ args: ['up', '-d'] }];
  if (tool.name === 'podman-compose') {
    if (!atLeast(tool.version, 1, 3)) return [{ args: ['up', '-d'] }];
    const started = dependants.flatMap((s) => [
      `  ${s.name}:`,
      '    depends_on:',
      ...s.dependsOn.filter((d) => model.services[d]?.available).flatMap((d) => [`      ${d}:`, '        condition: service_started']),
    ]);
    const content = ['services:', ...started].join('\n');
    return [
      {
        args: ['up', '-d'],
        override: { name: 'up-dependencies-started.yml', content: `# written by @qraft/stack for one \`up\`: the readiness gate decides, not compose\n${content}\n` },
        skipsEngineHealth: true,
      },
    ];
  }
  if (tool.name === 'docker-compose-v2' && atLeast(tool.version, 2, 24)) {
    const content = ['services:', ...dependants.flatMap((s) => [`  ${s.name}:`, '    depends_on: !reset {}'])].join('\n');
    return [{ args: ['up', '-d'], override: { name: 'up-without-depends-on.yml', content: `# written by @qraft/stack for one \`up\`: the readiness gate decides, not compose\n${content}\n` } }];
  }
  return dependencyLayers(model).map((layer) => ({ args: ['up', '-d', '--no-deps', ...layer] }));
}

/** Whether `version` is `wantMajor.wantMinor` or later (compose-go learned `!reset` in docker compose 2.24.0). */
function atLeast(version: string, wantMajor: number, wantMinor: number): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > wantMajor || (major === wantMajor && minor >= wantMinor);
}

/** The available services in layers: each one's dependencies lie in earlier layers. */
export function dependencyLayers(model: StackModel): string[][] {
  const services = Object.values(model.services).filter((s) => s.available);
  const placed = new Set<string>();
  const layers: string[][] = [];
  while (placed.size < services.length) {
    const layer = services
      .filter((s) => !placed.has(s.name) && s.dependsOn.every((d) => placed.has(d) || !model.services[d]?.available))
      .map((s) => s.name);
    if (layer.length === 0) {
      const rest = services.filter((s) => !placed.has(s.name)).map((s) => s.name);
      throw new Error(`depends_on has a cycle among ${rest.join(', ')} — fix dependsOn in packages/config's service catalog`);
    }
    for (const name of layer) placed.add(name);
    layers.push(layer);
  }
  return layers;
}

import { renderCompose, type StackModel } from '@qraft/config';
import { creationOrder } from './creation-order';
import type { ComposeTool } from './runtime';

/** One compose call of `up`: its arguments, and a compose file to lay over the stack's for this call only. */
export interface ComposeUpCall {
  readonly args: readonly string[];
  readonly override?: { readonly name: string; readonly content: string };
  /**
   * The whole compose document compose reads for this call instead of the stack's file (from stdin, in the file's
   * directory: see documentTarget) — the stack's own file without depends_on, where an override cannot remove a key.
   */
  readonly document?: string;
  /**
   * Compose only creates the containers (`up --no-start`); `up` starts each through the engine's API as soon as
   * compose printed its ID (startAsCreated).
   */
  readonly startsCreated?: true;
  /**
   * True where compose waits on no healthcheck in this call although the engine would need them driven
   * (podman-compose 1.3): `up` then starts compose without Podman's healthcheck driver, whose
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
 * - podman-compose from 1.3: it creates the containers one after the other in the order (number of dependencies,
 *   name), runs each with `--requires` on its dependencies (starting a container starts those too) and waits on
 *   each condition with `podman wait` before it goes on; its YAML loader refuses `!reset` and its merge of a second
 *   file cannot remove a key. So it reads, from stdin, the stack's file rendered without depends_on, and only
 *   creates the containers (`up --no-start`), none with `--requires`, in creationOrder: the app (the slowest to
 *   become ready) first, then what it depends on. `up` starts each through the engine's API as soon as it exists, so the starts overlap each other
 *   and the creation of the rest. Nothing in that call waits on a healthcheck, so Podman's healthcheck driver stays
 *   off during it (`podman ps` shows `starting` until a check runs). The document is part of podman-compose's
 *   config hash: a later `podman-compose up` of the file re-creates the stack's containers (`restart` does not
 *   check it).
 * - podman-compose before 1.3: one plain `up -d` — it ignores the conditions, and every extra call costs a Python
 *   start-up and a read of the whole file.
 */
export function composeUpCalls(model: StackModel, tool: Pick<ComposeTool, 'name' | 'version'>, order: StartOrder = 'gate'): ComposeUpCall[] {
  if (order === 'depends_on') return [{ args: ['up', '-d'] }];
  const dependants = Object.values(model.services).filter((s) => s.available && s.dependsOn.length > 0);
  if (dependants.length === 0) return [{ args: ['up', '-d'] }];
  if (tool.name === 'podman-compose') {
    if (!atLeast(tool.version, 1, 3)) return [{ args: ['up', '-d'] }];
    return [{ args: ['up', '--no-start'], document: withoutDependsOn(model), startsCreated: true, skipsEngineHealth: true }];
  }
  if (tool.name === 'docker-compose-v2' && atLeast(tool.version, 2, 24)) {
    const content = ['services:', ...dependants.flatMap((s) => [`  ${s.name}:`, '    depends_on: !reset {}'])].join('\n');
    return [{ args: ['up', '-d'], override: { name: 'up-without-depends-on.yml', content: `# written by @qraft/stack for one \`up\`: the readiness gate decides, not compose\n${content}\n` } }];
  }
  return dependencyLayers(model).map((layer) => ({ args: ['up', '-d', '--no-deps', ...layer] }));
}

/**
 * The stack's compose file as config renders it, without depends_on (every service independent of the others) and
 * with its services in creationOrder: without dependencies podman-compose creates them in the document's order.
 */
export function withoutDependsOn(model: StackModel): string {
  const order = creationOrder(model);
  const services = Object.fromEntries(order.map((name) => [name, { ...model.services[name], dependsOn: [] }])) as unknown as StackModel['services'];
  return `# rendered by @qraft/stack for one \`up\`, read from stdin: the readiness gate decides, not compose\n${renderCompose({ ...model, services })}`;
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

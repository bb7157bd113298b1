import type { StackModel } from '@qraft/config';
import type { ComposeToolName } from './runtime';

/**
 * The compose calls `up` makes, in order. Docker's compose holds a service on `depends_on: service_healthy`
 * until the engine's healthcheck of each dependency has passed, and Docker runs the first check one interval
 * (2 s) after start — seconds our readiness gate (polling from 25 ms) does not need, since the app copes with
 * any start order. Naming every service with `--no-deps` in one call is not enough: compose still orders the
 * named services by their depends_on. So each dependency layer gets its own call with `--no-deps`, naming
 * only services whose dependencies were started by an earlier call; compose then drops those depends_on and
 * starts the layer without waiting. The generated file keeps depends_on for a plain `docker compose up`.
 *
 * podman-compose gets one plain `up -d`: 1.0.3 ignores the conditions anyway, and every extra call costs a
 * Python start-up and a read of the whole file. `depends_on` gives the plain call everywhere (what a user's
 * own `docker compose up` does: the up-time benchmark's baseline).
 */
export type StartOrder = 'layers' | 'depends_on';

export function composeUpCalls(model: StackModel, tool: ComposeToolName, order: StartOrder = 'layers'): string[][] {
  if (tool === 'podman-compose' || order === 'depends_on') return [['up', '-d']];
  return dependencyLayers(model).map((layer) => ['up', '-d', '--no-deps', ...layer]);
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

import type { StackModel } from '@qraft/config';
import type { ComposeTool } from './runtime';

/** What Docker and Podman give a container between SIGTERM and SIGKILL unless told otherwise. */
const ENGINE_STOP_GRACE_MS = 10_000;

/**
 * The `-t` a compose `down` or `restart` needs so every container gets its stop grace period (the app's outlasts its
 * shutdown timeout). Docker compose reads `stop_grace_period` from the file; podman-compose does not pass it on
 * to `podman restart`, nor (before 1.0.6) to `down`, which then stops with `-t 1` — so it gets the longest one.
 */
export function stopTimeoutArgs(model: StackModel, tool: Pick<ComposeTool, 'name'>): string[] {
  if (tool.name !== 'podman-compose') return [];
  const graces = Object.values(model.services).map((s) => (s.available ? (s.stopGracePeriodMs ?? ENGINE_STOP_GRACE_MS) : 0));
  return ['-t', String(Math.ceil(Math.max(ENGINE_STOP_GRACE_MS, ...graces) / 1000))];
}

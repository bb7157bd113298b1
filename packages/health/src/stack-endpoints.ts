import type { Endpoints } from '@qraft/config';

/** The stack's URLs as @qraft/config's `endpoints()` gives them. */
export type StackEndpoints = Endpoints;

export interface StackSelection {
  readonly variant: 'dev' | 'prod';
  readonly imageSet: 'registry' | 'offline';
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly view?: 'host' | 'network';
}

/** Thrown when the stack cannot be described — the CLI turns it into exit 2 before any probe runs. */
export class StackConfigError extends Error {
  override readonly name = 'StackConfigError';
}

/**
 * The one seam to @qraft/config, loaded lazily so a single-probe CLI run (the image HEALTHCHECK,
 * which ships without the stack model's dependencies in mind) never loads the stack model.
 */
export async function loadStackEndpoints(selection: StackSelection): Promise<StackEndpoints> {
  const { loadStack, endpoints } = await import('@qraft/config');
  try {
    return endpoints(loadStack({ variant: selection.variant, imageSet: selection.imageSet, env: selection.env }), selection.view ?? 'host');
  } catch (error) {
    throw new StackConfigError(`the stack definition is invalid: ${(error as Error).message}`);
  }
}

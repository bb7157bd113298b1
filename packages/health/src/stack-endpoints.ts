/**
 * The one seam to @qraft/config. Its contract: `loadStack({ variant, imageSet, env })` and
 * `endpoints(model, 'host' | 'network')` → URLs per service. Loaded lazily so a single-probe
 * CLI run (the image HEALTHCHECK) never loads the stack model.
 */
export interface StackEndpoints {
  readonly nats?: string;
  readonly natsMonitor?: string;
  readonly clickhouse?: string;
  readonly prometheus?: string;
  readonly grafana?: string;
  readonly app?: string;
}

export interface StackSelection {
  readonly variant: 'dev' | 'prod';
  readonly imageSet: 'registry' | 'offline';
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly view?: 'host' | 'network';
}

interface ConfigModule {
  loadStack?: (options: { variant: string; imageSet: string; env: Readonly<Record<string, string | undefined>> }) => unknown;
  endpoints?: (model: unknown, view: 'host' | 'network') => Record<string, unknown>;
}

/** Thrown when the stack cannot be described — the CLI turns it into exit 2 before any probe runs. */
export class StackConfigError extends Error {
  override readonly name = 'StackConfigError';
}

export async function loadStackEndpoints(selection: StackSelection): Promise<StackEndpoints> {
  let config: ConfigModule;
  try {
    config = (await import('@qraft/config')) as unknown as ConfigModule;
  } catch (error) {
    throw new StackConfigError(`cannot load @qraft/config (${(error as Error).message}) — run pnpm install / build it`);
  }
  if (typeof config.loadStack !== 'function' || typeof config.endpoints !== 'function') {
    throw new StackConfigError(
      '@qraft/config does not export loadStack() and endpoints() yet — pass the URLs one check at a time (qraft-health nats URL, …)',
    );
  }
  let urls: Record<string, unknown>;
  try {
    const model = config.loadStack({ variant: selection.variant, imageSet: selection.imageSet, env: selection.env });
    urls = config.endpoints(model, selection.view ?? 'host');
  } catch (error) {
    throw new StackConfigError(`the stack definition is invalid: ${(error as Error).message}`);
  }
  const pick = (key: keyof StackEndpoints) => (typeof urls[key] === 'string' ? (urls[key] as string) : undefined);
  return {
    nats: pick('nats'),
    natsMonitor: pick('natsMonitor'),
    clickhouse: pick('clickhouse'),
    prometheus: pick('prometheus'),
    grafana: pick('grafana'),
    app: pick('app'),
  };
}

export interface VerifyOptions {
  readonly engine: 'docker' | 'podman';
  readonly imageSet: string;
  readonly variant: string;
  readonly json: boolean;
  readonly help: boolean;
  /** Extra flags handed on to the infra CLI that restarts and re-creates the stack. */
  readonly stackFlags: string[];
}

export const SOCKETS = { docker: '/var/run/docker.sock', podman: '/run/podman/podman.sock' } as const;

export const VERIFY_HELP = `Usage: verify [--engine docker|podman] [--images offline|registry] [--variant dev|prod] [--timeout 180s] [--json]
(or: pnpm nx run infra:container-test -- [options], which brings the stack up first)

Verifies the running Qraft stack end to end and says plainly what it could not check:
  start-up       every container running, 0 restarts, health passing, no error-level log lines since start
  communication  events published to NATS come back through the app API from ClickHouse; the app is ready;
                 Prometheus has every target up; Grafana's datasources are healthy
  isolation      a container on the frontend network only reaches the app, not ClickHouse or NATS
  volumes, logs  data directories owned by each service's user, not world-writable; log files grow
  persistence    markers in ClickHouse, JetStream and Prometheus survive a restart of every container and down/up
Reports: a summary (stdout), --json, and JUnit XML + JSON in reports/verify/<engine>-<images>-<variant>.*
Exit code 0 when nothing failed (skipped checks are listed with their reason, never counted as passed).`;

/** Reads the flags once, with QRAFT_* variables as the fallback, into a fully defaulted value. */
export function parseVerifyOptions(args: Readonly<Record<string, unknown>>, env: Readonly<Record<string, string | undefined>>): VerifyOptions {
  const text = (key: string) => (typeof args[key] === 'string' ? (args[key] as string) : undefined);
  const rawEngine = text('engine') ?? env['QRAFT_ENGINE'] ?? 'docker';
  const engine = rawEngine.startsWith('podman') ? 'podman' : rawEngine.startsWith('docker') ? 'docker' : undefined;
  if (!engine) throw new Error(`engine "${rawEngine}" is not known — use docker or podman (option --engine or QRAFT_ENGINE)`);
  const imageSet = text('images') ?? env['QRAFT_IMAGE_SET'] ?? 'offline';
  const variant = text('variant') ?? env['QRAFT_VARIANT'] ?? 'dev';
  const timeout = text('timeout');
  return {
    engine,
    imageSet,
    variant,
    json: args['json'] === true,
    help: args['help'] === true || args['h'] === true,
    stackFlags: ['--engine', rawEngine, '--images', imageSet, '--variant', variant, ...(timeout ? ['--timeout', timeout] : [])],
  };
}

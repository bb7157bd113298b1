import { parseDuration } from '@qraft/cli';

export interface VerifyOptions {
  /** The engine choice as given (docker, podman, a compose tool's name); undefined: detect, as `up` does. */
  readonly engine: string | undefined;
  readonly imageSet: string;
  readonly variant: string;
  /** How long a re-created stack may take to be ready again. */
  readonly timeoutMs: number;
  readonly json: boolean;
  readonly help: boolean;
  /** The same choices as flags of `infra up`, for the hint printed when the stack is not up. */
  readonly stackFlags: string[];
}

export const VERIFY_HELP = `Usage: verify [--engine docker|podman] [--images offline|registry] [--variant dev|prod] [--timeout 180s] [--json]
(or: pnpm nx run infra:container-test -- [options], which brings the stack up first)

Verifies the running Qraft stack end to end and says plainly what it could not check:
  start-up       every container running, 0 restarts, health passing, no error-level log lines since start
  communication  events published to NATS come back through the app API from ClickHouse; the app is ready;
                 Prometheus has every target up; Grafana's datasources are healthy
  isolation      a container on the frontend network only reaches the app, not ClickHouse or NATS
  volumes, logs  data directories owned by each service's user, not world-writable; log files grow
  persistence    markers in ClickHouse, JetStream and Prometheus survive a restart of every container and down/up
Without --engine (or QRAFT_ENGINE) the engine is detected as \`infra up\` detects it.
Reports: a summary (stdout), --json, and JUnit XML + JSON in reports/verify/<engine>-<images>-<variant>.*
Exit code 0 when nothing failed (skipped checks are listed with their reason, never counted as passed).`;

/** Reads the flags once, with QRAFT_* variables as the fallback, into a fully defaulted value. */
export function parseVerifyOptions(args: Readonly<Record<string, unknown>>, env: Readonly<Record<string, string | undefined>>): VerifyOptions {
  const text = (key: string) => (typeof args[key] === 'string' ? (args[key] as string) : undefined);
  const engine = text('engine') ?? (env['QRAFT_ENGINE'] || undefined);
  const imageSet = text('images') ?? env['QRAFT_IMAGE_SET'] ?? 'offline';
  const variant = text('variant') ?? env['QRAFT_VARIANT'] ?? 'dev';
  const timeout = text('timeout') ?? env['QRAFT_UP_TIMEOUT'] ?? '180s';
  const timeoutMs = parseDuration(timeout, text('timeout') !== undefined ? '--timeout' : 'QRAFT_UP_TIMEOUT');
  return {
    engine,
    imageSet,
    variant,
    timeoutMs,
    json: args['json'] === true,
    help: args['help'] === true || args['h'] === true,
    stackFlags: [...(engine ? ['--engine', engine] : []), '--images', imageSet, '--variant', variant, ...(text('timeout') ? ['--timeout', timeout] : [])],
  };
}

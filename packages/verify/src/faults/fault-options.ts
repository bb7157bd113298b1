import { UsageError } from '@qraft/cli';
import { parseVerifyOptions, type VerifyOptions } from '../verify-options';

export interface FaultOptions extends VerifyOptions {
  /** Events per second published straight to JetStream. */
  readonly jetstreamRate: number;
  /** Events per second posted to the app's HTTP API. */
  readonly httpRate: number;
}

export const FAULTS_HELP = `Usage: faults [--engine docker|podman] [--images offline|registry] [--variant dev|prod] [--timeout 180s] [--json]
(or: pnpm nx run infra:fault-test -- [options], which brings the stack up first)

Under a steady publish load (QRAFT_FAULT_JETSTREAM_RATE events/s straight to JetStream, default 100, and
QRAFT_FAULT_HTTP_RATE through POST /events, default 10; every event a unique id):
  crash        SIGKILL of the nats, clickhouse and app server processes, one at a time (restart policies bring
               them back), then \`infra restart\` of the whole stack; recovery time of each until every readiness
               check passes
  accounting   the load stops, ingest drains: every acknowledged event visible exactly once through FINAL and
               GET /events; raw rows (no FINAL) beside them, their copies no more than JetStream's redeliveries
               and none left after OPTIMIZE TABLE … FINAL
  environment  ClickHouse's data directory read-only; its disk full (a small tmpfs); NATS unreachable while the
               app starts — the app stays up, /readyz says why it is not ready, and it catches up afterwards
Afterwards \`infra up\` restores the stack (mounts, ownership) whatever happened.
Reports: a summary and the fault table (stdout), --json, JUnit XML + JSON in reports/faults/<engine>-<images>-<variant>.*
Exit code 0 when nothing failed (skipped faults are listed with their reason, never counted as passed).`;

function rate(env: Readonly<Record<string, string | undefined>>, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 2_000) throw new UsageError(`${name}="${raw}" is not a rate — give events per second between 0 and 2000`);
  return value;
}

/** The verify options (engine, image set, variant, --json) plus the load's rates, which come from the environment
 * because every flag after `--` is also handed to `infra up`. */
export function parseFaultOptions(args: Readonly<Record<string, unknown>>, env: Readonly<Record<string, string | undefined>>): FaultOptions {
  const jetstreamRate = rate(env, 'QRAFT_FAULT_JETSTREAM_RATE', 100);
  const httpRate = rate(env, 'QRAFT_FAULT_HTTP_RATE', 10);
  if (jetstreamRate + httpRate === 0) throw new UsageError('QRAFT_FAULT_JETSTREAM_RATE and QRAFT_FAULT_HTTP_RATE are both 0 — the load needs at least one');
  return { ...parseVerifyOptions(args, env), jetstreamRate, httpRate };
}

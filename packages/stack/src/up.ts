import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { ensureSecrets, NATS_ACCOUNTS, readStackCredentials, type StackModel } from '@qraft/config';
import { formatReport, HealthTimeoutError, waitUntilHealthy, type HealthReport } from '@qraft/health';
import { composeUpCalls, type StartOrder } from './compose-up-calls';
import type { EngineName } from './engine-adapter';
import { lastLogLines } from './last-log-lines';
import { GLOBAL_ACCOUNT, moveGlobalAccountStreams } from './nats-account-streams';
import { clearOtherCheckouts } from './other-checkout';
import type { StackHandle } from './open-stack';
import { assertPortsFree, prepareDirectories } from './prepare-host';
import { createProgress, type Progress } from './progress';
import { readinessChecks } from './readiness-checks';
import { runUpCalls } from './run-up-calls';

export interface UpOptions {
  /** How long to wait until every service answers its own probe. */
  readonly timeoutMs: number;
  /** Builds or refreshes images before the start (infra's offline image set); absent: images must exist. */
  readonly prepareImages?: (engine: EngineName, progress: Progress) => Promise<void>;
  /** `gate` (default): compose never waits on the engine's healthchecks, the readiness gate decides. See composeUpCalls. */
  readonly startOrder?: StartOrder;
}

export interface UpResult {
  readonly handle: StackHandle;
  readonly report: HealthReport;
  readonly startedAt: Date;
}

async function runningContainers(docker: Dockerode, model: StackModel): Promise<Set<string>> {
  const names = new Set(Object.values(model.services).map((s) => s.containerName));
  const list = await docker.listContainers().catch(() => []);
  return new Set(list.flatMap((c) => c.Names.map((n) => n.replace(/^\//, ''))).filter((n) => names.has(n)));
}

/**
 * A stack from before NATS accounts kept its streams in the global account; the server with accounts would never
 * load them (and stays unhealthy). Moves them into the stack's account — stopping nats-server first if it runs —
 * so the events still waiting there are consumed, not lost.
 */
async function moveGlobalAccountStreamsOf(handle: StackHandle, running: ReadonlySet<string>, progress: Progress): Promise<void> {
  const nats = handle.model.services.nats;
  if (!nats.available || !nats.data) return;
  const store = join(handle.workspaceRoot, nats.data.host);
  if (!existsSync(join(store, 'jetstream', GLOBAL_ACCOUNT, 'streams'))) return;
  if (running.has(nats.containerName)) {
    progress.line(`nats: stopping ${nats.containerName} to move the streams it kept before the stack had NATS accounts`);
    await handle.docker.getContainer(nats.containerName).stop();
  }
  for (const m of moveGlobalAccountStreams(store, NATS_ACCOUNTS.account)) {
    const to = m.to.slice(handle.workspaceRoot.length + 1);
    progress.line(
      m.outcome === 'moved'
        ? `nats: moved stream ${m.stream} from the global account (${GLOBAL_ACCOUNT}, before NATS accounts) into account ${NATS_ACCOUNTS.account} (${to})`
        : `warning: nats: stream ${m.stream} of the global account (${GLOBAL_ACCOUNT}) was not merged: account ${NATS_ACCOUNTS.account} has its own — the old one is kept, unread, at ${to}`,
    );
  }
}

async function missingImages(handle: StackHandle): Promise<string[]> {
  const missing: string[] = [];
  for (const service of Object.values(handle.model.services)) {
    if (!service.available) continue;
    const found = await handle.docker.getImage(service.image.reference).inspect().then(() => true, () => false);
    if (found) continue;
    const fix = service.build
      ? 'run `pnpm nx run infra:image` to build it'
      : service.image.pulled
        ? 'no registry is reachable from here — use `--images offline` (built by `pnpm nx run infra:offline-images`) or set QRAFT_REGISTRY_MIRROR'
        : 'run `pnpm nx run infra:offline-images` to build the offline image set';
    missing.push(`image ${service.image.reference} (${service.name}) is not in the ${handle.runtime.engine.name} engine — ${fix}`);
  }
  return missing;
}

/**
 * Prepares the host (ports, directories, secrets), starts the stack, and returns once every service
 * answers its own probe. On timeout it names each service still failing with its last log lines.
 */
export async function upStack(handle: StackHandle, options: UpOptions, progress: Progress = createProgress()): Promise<UpResult> {
  const { model, target } = handle;
  progress.line(`engine ${handle.runtime.compose.name} ${handle.runtime.compose.version}, ${model.variant} variant, ${model.imageSet} images, ${target.file}`);
  for (const omitted of Object.values(model.services).filter((s) => !s.available)) {
    progress.line(`left out: ${omitted.name} — ${omitted.note ?? ''}`);
  }
  for (const name of await clearOtherCheckouts(handle.docker, model, handle.workspaceRoot, target.file, handle.runtime.engine.name)) {
    progress.line(`removed ${name}: compose created it from a checkout that no longer exists`);
  }
  const running = await runningContainers(handle.docker, model);
  await assertPortsFree(model, running);
  await options.prepareImages?.(handle.runtime.engine.name, progress);
  const missing = await missingImages(handle);
  if (missing.length > 0) throw new Error(missing.join('\n'));
  for (const warning of prepareDirectories(model, handle.workspaceRoot)) progress.line(`warning: ${warning}`);
  await moveGlobalAccountStreamsOf(handle, running, progress);
  const secrets = ensureSecrets(handle.workspaceRoot, model);
  for (const warning of secrets.warnings) progress.line(`warning: ${warning}`);
  // The secrets may have been generated just now: read them again, nothing else.
  const refreshed: StackHandle = { ...handle, credentials: readStackCredentials(handle.workspaceRoot, model) };

  const startedAt = new Date();
  // The gate polls while compose still creates and starts containers: a service ready before compose returns
  // (the app boots while compose finishes the rest) costs no extra wait. An outcome reached before compose ended
  // (a pass of containers compose then re-created, a timeout during a long pull) is not trusted: the gate runs
  // once more afterwards, which takes one round of probes when everything is up.
  const gate = new AbortController();
  let composeDone = false;
  const early = waitReady(refreshed, options.timeoutMs, progress, gate.signal).then(
    (report) => (composeDone ? report : undefined),
    (error: unknown) => {
      if (composeDone) throw error;
      return undefined;
    },
  );
  try {
    await runUpCalls(refreshed, composeUpCalls(model, target.runtime.compose, options.startOrder), progress);
    composeDone = true;
    for (const line of await handle.runtime.engine.afterStart(model)) progress.line(line);
  } catch (error) {
    gate.abort(error);
    throw error;
  }
  const report = (await early) ?? (await waitReady(refreshed, options.timeoutMs, progress));
  return { handle: refreshed, report, startedAt };
}

/** Waits until every service passes the readiness gate; on timeout names each failing one with its last log lines. */
export async function waitReady(handle: StackHandle, timeoutMs: number, progress: Progress, signal?: AbortSignal): Promise<HealthReport> {
  const waited = progress.step('waiting until every service answers its own probe');
  const seen = new Map<string, string>();
  try {
    const report = await waitUntilHealthy(readinessChecks(handle.model, handle.docker, handle.credentials), {
      timeoutMs,
      ...(signal ? { signal } : {}),
      onProgress: (name, r) => {
        if (seen.get(name) === r.state) return;
        seen.set(name, r.state);
        progress.line(`  ${name.padEnd(14)} ${r.state.padEnd(8)} ${r.ok ? r.detail : (r.error ?? r.detail)}`);
      },
    });
    waited('all healthy');
    return report;
  } catch (error) {
    waited(signal?.aborted ? 'stopped' : 'timed out');
    if (!(error instanceof HealthTimeoutError) || signal?.aborted) throw error;
    const logs: string[] = [];
    for (const name of error.failing) {
      const service = handle.model.services[name as keyof typeof handle.model.services];
      if (service) logs.push(`--- last log lines of ${service.containerName} ---\n${await lastLogLines(handle.docker, service.containerName, 15)}`);
    }
    throw new Error(`${error.message}\n${formatReport(error.report, { color: false })}\n${logs.join('\n')}`, { cause: error });
  }
}

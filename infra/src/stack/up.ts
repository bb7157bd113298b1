import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { composeFilePath, ensureSecrets, loadStack, type StackModel } from '@qraft/config';
import { formatReport, HealthTimeoutError, waitUntilHealthy, type HealthReport } from '@qraft/health';
import { buildOfflineImages } from '../images/offline-image-set';
import { createProgress, type Progress } from '../images/progress';
import { detectRuntime, type Runtime } from '../runtime';
import { composeStream, type ComposeTarget } from './compose';
import { preferNetworkDns } from './podman-dns';
import { driveHealthchecks } from './podman-healthchecks';
import { assertPortsFree, prepareDirectories } from './prepare-host';
import { readinessChecks, type Credentials } from './readiness-checks';
import { lastLogLines } from './last-log-lines';
import type { StackOptions } from './stack-options';

export interface StackHandle {
  readonly model: StackModel;
  readonly runtime: Runtime;
  readonly docker: Dockerode;
  readonly target: ComposeTarget;
  readonly credentials: Credentials;
}


function readSecret(workspaceRoot: string, model: StackModel, name: string): string | undefined {
  const secret = model.secrets.find((s) => s.name === name);
  if (!secret) return undefined;
  const path = join(workspaceRoot, secret.file);
  return existsSync(path) ? readFileSync(path, 'utf8').trim() : undefined;
}

/** Resolves engine, model, secrets and the compose target; touches nothing that runs. */
export async function openStack(options: StackOptions, env: Readonly<Record<string, string | undefined>>): Promise<StackHandle> {
  // The model first: a bad QRAFT_* value is reported as such, also on a host without an engine.
  const model = loadStack({ variant: options.variant, imageSet: options.imageSet, env });
  const runtime = await detectRuntime(options.engine);
  const file = composeFilePath(model.variant, model.imageSet);
  if (!existsSync(join(options.workspaceRoot, file))) {
    throw new Error(`${file} is missing — run \`pnpm nx run config:generate\` (it renders every variant and image set)`);
  }
  const docker = new Dockerode({ socketPath: runtime.socketPath });
  const credentials = readCredentials(model, options.workspaceRoot);
  return { model, runtime, docker, credentials, target: { runtime, file, project: model.project, cwd: options.workspaceRoot } };
}

/** The stack's own credentials from secrets/ (absent until the first `up` generates them). */
function readCredentials(model: StackModel, workspaceRoot: string): Credentials {
  const clickhousePassword = readSecret(workspaceRoot, model, 'clickhouse_app_password');
  const grafanaPassword = readSecret(workspaceRoot, model, 'grafana_admin_password');
  return {
    ...(clickhousePassword ? { clickhouse: { user: model.clickhouseUsers.app, password: clickhousePassword } } : {}),
    ...(grafanaPassword ? { grafana: { user: 'admin', password: grafanaPassword } } : {}),
  };
}

async function runningContainers(docker: Dockerode, model: StackModel): Promise<Set<string>> {
  const names = new Set(Object.values(model.services).map((s) => s.containerName));
  const list = await docker.listContainers().catch(() => []);
  return new Set(list.flatMap((c) => c.Names.map((n) => n.replace(/^\//, ''))).filter((n) => names.has(n)));
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
    missing.push(`image ${service.image.reference} (${service.name}) is not in the ${handle.runtime.compose.engine} engine — ${fix}`);
  }
  return missing;
}

export interface UpResult {
  readonly handle: StackHandle;
  readonly report: HealthReport;
  readonly startedAt: Date;
}

/**
 * Prepares the host (ports, directories, secrets), starts the stack, and returns once every service
 * answers its own probe. On timeout it names each service still failing with its last log lines.
 */
export async function upStack(handle: StackHandle, options: StackOptions, progress: Progress = createProgress()): Promise<UpResult> {
  const { model, target } = handle;
  progress.line(`engine ${handle.runtime.compose.name} ${handle.runtime.compose.version}, ${model.variant} variant, ${model.imageSet} images, ${target.file}`);
  for (const omitted of Object.values(model.services).filter((s) => !s.available)) {
    progress.line(`left out: ${omitted.name} — ${omitted.note ?? ''}`);
  }
  await assertPortsFree(model, await runningContainers(handle.docker, model));
  if (model.imageSet === 'offline') {
    // Cheap when current (each image's record is checked against the engine), so `up` is one command.
    await buildOfflineImages({ engine: handle.runtime.compose.engine, progress });
  }
  const missing = await missingImages(handle);
  if (missing.length > 0) throw new Error(missing.join('\n'));
  for (const warning of prepareDirectories(model, options.workspaceRoot)) progress.line(`warning: ${warning}`);
  const secrets = ensureSecrets(options.workspaceRoot, model);
  for (const warning of secrets.warnings) progress.line(`warning: ${warning}`);
  // The secrets may have been generated just now: read them again, nothing else.
  const refreshed: StackHandle = { ...handle, credentials: readCredentials(model, options.workspaceRoot) };

  const startedAt = new Date();
  const done = progress.step(`${target.runtime.compose.command.join(' ')} up -d`);
  // Podman without systemd runs no healthchecks; podman-compose 1.3 waits on them (depends_on conditions).
  const driver = handle.runtime.compose.engine === 'podman' ? driveHealthchecks(model.project) : undefined;
  const result = await composeStream(target, ['up', '-d'], (line) => progress.line(`  ${line}`)).finally(() => driver?.stop());
  if (!result.ok) {
    done('failed');
    throw new Error(`compose up failed (exit ${result.exitCode}${result.error ? `, ${result.error}` : ''}):\n${result.tail.slice(-15).join('\n')}`);
  }
  done();
  if (handle.runtime.compose.engine === 'podman') {
    const multi = Object.values(model.services).filter((s) => s.available && s.networks.length > 1).map((s) => s.containerName);
    const changed = await preferNetworkDns(multi, `${model.project}_backend`);
    if (changed.length > 0) progress.line(`podman DNS: backend's resolver first for ${changed.join(', ')} (see docs/docker-and-podman.md)`);
  }

  const waited = progress.step('waiting until every service answers its own probe');
  const seen = new Map<string, string>();
  try {
    const report = await waitUntilHealthy(readinessChecks(model, handle.docker, refreshed.credentials), {
      timeoutMs: options.timeoutMs,
      onProgress: (name, r) => {
        if (seen.get(name) === r.state) return;
        seen.set(name, r.state);
        progress.line(`  ${name.padEnd(14)} ${r.state.padEnd(8)} ${r.ok ? r.detail : (r.error ?? r.detail)}`);
      },
    });
    waited('all healthy');
    return { handle: refreshed, report, startedAt };
  } catch (error) {
    waited('timed out');
    if (!(error instanceof HealthTimeoutError)) throw error;
    const logs: string[] = [];
    for (const name of error.failing) {
      const service = model.services[name as keyof typeof model.services];
      if (service) logs.push(`--- last log lines of ${service.containerName} ---\n${await lastLogLines(handle.docker, service.containerName, 15)}`);
    }
    throw new Error(`${error.message}\n${formatReport(error.report, { color: false })}\n${logs.join('\n')}`, { cause: error });
  }
}

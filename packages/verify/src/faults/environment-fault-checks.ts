import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { waitUntilHealthy } from '@qraft/health';
import { skip } from '../outcome';
import { pollUntil } from '@qraft/retry';
import type { VerifyCheck } from '../verify-check';
import { assertAppStaysUp, readReadyz, type ReadyzState } from './app-state';
import { fillTmpfs, removeFiller } from './disk-fill';
import { containerOf, type FaultContext } from './fault-context';
import type { LoadEvent } from './publish-load';
import { httpSender } from './senders';
import { markContainer } from './server-process';
import { storedEventCounts } from './stored-event-counts';

const run = promisify(execFile);
const seconds = (ms: number) => `${(ms / 1_000).toFixed(1)} s`;
const EVENTS_PER_PHASE = 50;
const FULL_DISK_MB = 64;

function newEvents(type: string, count: number, channel: string): LoadEvent[] {
  return Array.from({ length: count }, (_, seq) => ({
    id: randomUUID(),
    type,
    source: `qraft-faults-${channel}`,
    timestamp: new Date().toISOString(),
    payload: { seq, channel },
  }));
}

/** Publishes `count` events straight to JetStream (each retried with its id) and returns their ids; throws if any is not acknowledged. */
async function publishAcked(context: FaultContext, type: string, count: number): Promise<string[]> {
  const events = newEvents(type, count, 'jetstream');
  for (const event of events) {
    let lastError: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await context.jetstream.send(event, 5_000);
        lastError = undefined;
        break;
      } catch (error) {
        lastError = error;
        await sleep(500);
      }
    }
    if (lastError) throw new Error(`JetStream did not acknowledge event ${event.id}: ${(lastError as Error).message}`);
  }
  return events.map((e) => e.id);
}

/** Waits until every id is stored, then insists on exactly once; returns how long it took. */
async function waitStoredOnce(context: FaultContext, type: string, ids: readonly string[], timeoutMs: number): Promise<number> {
  const started = performance.now();
  const counts = await pollUntil(
    `${ids.length} events of type ${type} to be stored`,
    async () => {
      const now = await storedEventCounts(context.clickhouseAccess, type);
      return ids.every((id) => now.perId.has(id)) ? now : undefined;
    },
    timeoutMs,
  );
  const twice = ids.filter((id) => (counts.perId.get(id) ?? 0) > 1);
  if (twice.length > 0) throw new Error(`${twice.length} events stored more than once (e.g. ${twice.slice(0, 5).join(', ')})`);
  return performance.now() - started;
}

function waitNotReady(appUrl: string, about: RegExp, what: string): Promise<ReadyzState> {
  return pollUntil(
    `/readyz to report not ready because of ${what}`,
    async () => {
      const state = await readReadyz(appUrl);
      return state.status === 503 && state.failing.some((f) => about.test(f)) ? state : undefined;
    },
    60_000,
  );
}

function writeOverride(yaml: string): { file: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'qraft-fault-compose-'));
  const file = join(dir, 'override.yml');
  writeFileSync(file, `# written by the fault test for the duration of one fault; removed afterwards\n${yaml}`);
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/*
 * Observed on podman 4.3 + podman-compose 1.0.3 without systemd (the CI engine): a second compose file's volume
 * for the same target is not applied (the data mount stayed read-write), and after a container of the stack is
 * stopped and started or re-created outside podman-compose, the CNI dnsname plugin no longer resolves the
 * service names for the app (ENOTFOUND nats / clickhouse) until the stack is downed — so these faults would
 * measure the engine, not the app. Reported skipped there, never passed.
 */
const PODMAN_OVERRIDE = 'podman-compose 1.0.3 does not apply a second compose file\'s volume over the service\'s own (observed: /var/lib/clickhouse stayed read-write), so the fault cannot be injected on podman';
const PODMAN_DNS = 'on podman 4.3 (CNI dnsname, no systemd) a container stopped and started outside podman-compose leaves the app unable to resolve nats/clickhouse (observed: ENOTFOUND for 120 s), so the fault would measure the engine\'s DNS, not the app';

function required(context: FaultContext, podmanReason?: string) {
  if (podmanReason && context.stack.engine === 'podman') skip(podmanReason);
  const appUrl = context.stack.endpoints.app;
  if (!appUrl) skip('the app API is not published in this variant');
  if (!context.stack.endpoints.clickhouse) skip('ClickHouse is not published in this variant, so stored events cannot be counted');
  const clickhouse = context.stack.services.find((s) => s.name === 'clickhouse');
  if (!clickhouse?.dataDir) skip('ClickHouse has no host data directory in this variant');
  return { appUrl, dataDir: clickhouse.dataDir, clickhouseName: containerOf(context, 'clickhouse'), appName: containerOf(context, 'app') };
}

const reasonOf = (state: ReadyzState, about: RegExp) => state.failing.filter((f) => about.test(f)).join('; ').slice(0, 300);

/**
 * ClickHouse's data directory mounted read-only (the same host directory, `:ro`, through a temporary compose
 * override of the clickhouse service): ClickHouse cannot start on it. The app must stay up, report not-ready
 * with the reason, and store the events published meanwhile once the directory is writable again.
 */
export const readOnlyDataDirFault: VerifyCheck<FaultContext> = {
  group: 'environment',
  name: 'ClickHouse data directory read-only: the app stays up, is not ready with the reason, and catches up',
  run: async (context) => {
    const { appUrl, dataDir, clickhouseName, appName } = required(context, PODMAN_OVERRIDE);
    const { docker } = context.stack;
    const type = `faults.readonly.r${randomUUID().slice(0, 8)}`;
    const override = writeOverride(`services:\n  clickhouse:\n    volumes:\n      - "${dataDir.hostPath}:/var/lib/clickhouse:ro"\n`);
    const appBefore = await markContainer(docker, appName);
    let reason: string;
    let during: string[];
    try {
      await context.compose(['up', '-d', '--no-deps', 'clickhouse'], override.file);
      const mounts = (await docker.getContainer(clickhouseName).inspect()).Mounts;
      if (mounts.find((m) => m.Destination === '/var/lib/clickhouse')?.RW !== false) throw new Error(`the override did not make ${clickhouseName}'s /var/lib/clickhouse read-only`);
      const state = await waitNotReady(appUrl, /clickhouse|schema|ingest/i, 'ClickHouse');
      reason = reasonOf(state, /clickhouse|schema|ingest/i);
      during = await publishAcked(context, type, EVENTS_PER_PHASE);
      await sleep(3_000);
      await assertAppStaysUp(docker, appName, appUrl, appBefore);
      const still = await readReadyz(appUrl);
      if (still.status !== 503) throw new Error(`/readyz answered ${still.status} while ClickHouse's data directory was read-only`);
    } finally {
      await context.compose(['up', '-d', '--no-deps', 'clickhouse']);
      override.remove();
    }
    const removed = performance.now();
    await waitUntilHealthy(context.readiness, { timeoutMs: context.timing.recoveryTimeoutMs });
    const after = await publishAcked(context, type, EVENTS_PER_PHASE);
    await waitStoredOnce(context, type, [...during, ...after], context.timing.drainTimeoutMs);
    const recoveryMs = performance.now() - removed;
    context.recoveries.push({ fault: 'ClickHouse data directory read-only', injection: 'compose override: data/clickhouse mounted :ro, clickhouse re-created', recoveryMs, note: 'from the writable mount back until ready and every event stored' });
    return `app kept running (/healthz 200, no restart); /readyz 503: ${reason}; ${during.length} events acknowledged during the fault and ${after.length} after, all stored once ${seconds(recoveryMs)} after the directory was writable again`;
  },
};

/**
 * A full disk under ClickHouse: a 64 MiB tmpfs mounted on the host, the data copied onto it, mounted as the
 * clickhouse service's data directory by a temporary override, then filled to ENOSPC (only ever that tmpfs,
 * never the host's disk). Events published meanwhile must be stored once the filler is removed. Afterwards
 * clickhouse goes back to data/clickhouse, so the events of this fault stay behind on the unmounted tmpfs.
 */
export const fullDiskFault: VerifyCheck<FaultContext> = {
  group: 'environment',
  name: 'ClickHouse disk full: the app stays up, is not ready with the reason, and catches up',
  run: async (context) => {
    const { appUrl, dataDir, appName } = required(context, PODMAN_OVERRIDE);
    if (process.getuid?.() !== 0) skip('mounting a small tmpfs for the full disk needs root on the engine host');
    const { docker } = context.stack;
    const type = `faults.diskfull.d${randomUUID().slice(0, 8)}`;
    const dir = mkdtempSync(join(tmpdir(), 'qraft-fault-disk-'));
    const override = writeOverride(`services:\n  clickhouse:\n    volumes:\n      - "${dir}:/var/lib/clickhouse"\n`);
    let mounted = false;
    let reason: string;
    let filled: number;
    let catchUpMs: number;
    let during: string[];
    try {
      await run('mount', ['-t', 'tmpfs', '-o', `size=${FULL_DISK_MB}m,mode=0750,uid=${dataDir.uid},gid=${dataDir.uid}`, 'tmpfs', dir]);
      mounted = true;
      // A consistent copy of the real data, so the app finds its schema on the small disk.
      await context.compose(['stop', 'clickhouse']);
      await run('cp', ['-a', `${dataDir.hostPath}/.`, `${dir}/`]);
      await context.compose(['up', '-d', '--no-deps', 'clickhouse'], override.file);
      await waitUntilHealthy(context.readiness, { timeoutMs: context.timing.recoveryTimeoutMs });
      const appBefore = await markContainer(docker, appName);
      filled = fillTmpfs(dir, 2 * FULL_DISK_MB * 2 ** 20);
      during = await publishAcked(context, type, EVENTS_PER_PHASE);
      const state = await waitNotReady(appUrl, /clickhouse|schema|ingest/i, 'ClickHouse');
      reason = reasonOf(state, /clickhouse|schema|ingest/i);
      await assertAppStaysUp(docker, appName, appUrl, appBefore);
      removeFiller(dir);
      catchUpMs = await waitStoredOnce(context, type, during, context.timing.drainTimeoutMs);
      await waitUntilHealthy(context.readiness, { timeoutMs: context.timing.recoveryTimeoutMs });
      const after = await publishAcked(context, type, EVENTS_PER_PHASE);
      await waitStoredOnce(context, type, [...during, ...after], context.timing.drainTimeoutMs);
    } finally {
      if (mounted) removeFiller(dir);
      await context.compose(['up', '-d', '--no-deps', 'clickhouse']);
      override.remove();
      if (mounted) await run('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    }
    await waitUntilHealthy(context.readiness, { timeoutMs: context.timing.recoveryTimeoutMs });
    context.recoveries.push({ fault: 'ClickHouse disk full', injection: `${FULL_DISK_MB} MiB tmpfs as the data directory, filled to ENOSPC`, recoveryMs: catchUpMs, note: 'from the filler removed until every event stored' });
    return `disk filled (${(filled / 2 ** 20).toFixed(0)} MiB filler); app kept running (/healthz 200, no restart); /readyz 503: ${reason}; ${during.length} events acknowledged during the fault stored once ${seconds(catchUpMs)} after space was freed, ${EVENTS_PER_PHASE} more after`;
  },
};

/**
 * NATS down while the app starts: the app must come up anyway (HTTP, /healthz 200), say on /readyz that it
 * waits for NATS, refuse publishes with 503 rather than accept what it cannot store, and once NATS is back
 * connect by itself and store what is published.
 */
export const natsUnreachableAtStartFault: VerifyCheck<FaultContext> = {
  group: 'environment',
  name: 'NATS unreachable when the app starts: the app stays up, is not ready with the reason, and catches up',
  run: async (context) => {
    const { appUrl, appName } = required(context, PODMAN_DNS);
    const natsName = containerOf(context, 'nats');
    const { docker } = context.stack;
    const type = `faults.natsdown.n${randomUUID().slice(0, 8)}`;
    let reason: string;
    let refused: string;
    await docker.getContainer(natsName).stop({ t: 5 });
    try {
      await docker.getContainer(appName).restart({ t: 10 });
      await pollUntil('the restarted app to answer /healthz', async () => ((await fetch(new URL('/healthz', appUrl))).status === 200 ? true : undefined), 60_000);
      const appBefore = await markContainer(docker, appName);
      const state = await waitNotReady(appUrl, /nats/i, 'NATS');
      reason = reasonOf(state, /nats/i);
      await sleep(3_000);
      await assertAppStaysUp(docker, appName, appUrl, appBefore);
      const response = await fetch(new URL('/events', appUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(newEvents(type, 1, 'http')),
        signal: AbortSignal.timeout(10_000),
      });
      refused = `POST /events → ${response.status} ${((await response.json().catch(() => ({}))) as { error?: string }).error ?? ''}`.trim();
      if (response.status !== 503) throw new Error(`while NATS was down the app answered ${refused}, expected 503 nats_unavailable`);
    } finally {
      await docker.getContainer(natsName).start().catch((error: { statusCode?: number }) => {
        if (error.statusCode !== 304) throw error;
      });
    }
    const started = performance.now();
    await waitUntilHealthy(context.readiness, { timeoutMs: context.timing.recoveryTimeoutMs });
    const readyMs = performance.now() - started;
    const viaHttp = newEvents(type, EVENTS_PER_PHASE, 'http');
    const send = httpSender(appUrl);
    for (const event of viaHttp) await send(event, 10_000);
    const viaNats = await publishAcked(context, type, EVENTS_PER_PHASE);
    await waitStoredOnce(context, type, [...viaHttp.map((e) => e.id), ...viaNats], context.timing.drainTimeoutMs);
    context.recoveries.push({ fault: 'NATS unreachable at app start-up', injection: 'nats stopped, app restarted, nats started', recoveryMs: readyMs, note: 'from NATS started until every readiness check passes' });
    return `app started without NATS and kept running (/healthz 200, no restart); /readyz 503: ${reason}; ${refused}; ready ${seconds(readyMs)} after NATS started; ${viaHttp.length} events via HTTP and ${viaNats.length} via JetStream stored once`;
  },
};

export function environmentFaultChecks(): Array<VerifyCheck<FaultContext>> {
  return [readOnlyDataDirFault, fullDiskFault, natsUnreachableAtStartFault];
}

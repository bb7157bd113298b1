import { setTimeout as sleep } from 'node:timers/promises';
import { waitUntilHealthy } from '@qraft/health';
import { skip } from '../outcome';
import { pollUntil } from '@qraft/retry';
import type { VerifyCheck } from '../verify-check';
import { queryEventsByType } from '../app-api';
import { copyProblems, formatCopyAccounting, type CopyAccounting } from './copy-accounting';
import { accountEvents } from './event-accounting';
import { containerOf, type FaultContext } from './fault-context';
import { waitForRestart, waitRecovered } from './recovery';
import { killServerProcess, markContainer } from './server-process';
import { deliverySnapshot, drained, redeliveriesBetween } from './jetstream-deliveries';
import { mergeEvents, storedEventCounts } from './stored-event-counts';

const seconds = (ms: number) => `${(ms / 1_000).toFixed(1)} s`;

function loadLine(context: FaultContext): string {
  const t = context.load.totals();
  return `load so far: ${t.published} published, ${t.acknowledged} acknowledged`;
}

/**
 * SIGKILL of one service's server process under the running load; the container's restart policy must bring
 * it back, and the check passes once every readiness check of the stack passes again. The recovery time runs
 * from the kill. On Podman a container its restart policy did not bring back is started by hand and the fault
 * reported skipped with the reason — never passed.
 */
export function processCrashFault(service: string, command: string): VerifyCheck<FaultContext> {
  const fault = `SIGKILL ${service} (${command})`;
  return {
    group: 'crash',
    name: `${fault}: the restart policy brings it back and the stack is ready again`,
    run: async (context) => {
      const { docker, engine } = context.stack;
      const name = containerOf(context, service);
      await sleep(context.timing.settleMs);
      const injection = `kill -9 of the host pid of ${command} under ${name}'s init`;
      const started = performance.now();
      const killed = await killServerProcess(docker, name, command);
      context.log(`  killed ${command} (host pid ${killed.pid}) in ${name}`);
      let restarted;
      try {
        restarted = await waitForRestart(docker, name, killed.before, context.timing.restartTimeoutMs);
      } catch (error) {
        const state = await markContainer(docker, name).catch(() => undefined);
        if (engine !== 'podman') throw new Error(`${name} was not restarted by its restart policy (unless-stopped): ${(error as Error).message}`, { cause: error });
        // Put it back by hand so the remaining faults and the accounting still run.
        await docker.getContainer(name).start().catch(() => undefined);
        await waitUntilHealthy(context.readiness, { timeoutMs: context.timing.recoveryTimeoutMs });
        const reason = `podman did not restart ${name} within ${seconds(context.timing.restartTimeoutMs)} after its process was killed (state ${state?.running ? 'running' : 'exited'}); without systemd podman's restart policies depend on conmon's exit command — started by hand`;
        context.recoveries.push({ fault, injection, note: `skipped: ${reason}` });
        skip(reason);
      }
      const { recoveryMs, report } = await waitRecovered(context.readiness, started, context.timing.recoveryTimeoutMs);
      context.recoveries.push({ fault, injection, recoveryMs, note: `restart policy: restarts ${killed.before.restartCount} → ${restarted.restartCount}` });
      return `${command} (pid ${killed.pid}) killed; ${name} restarted by its policy (restarts ${killed.before.restartCount} → ${restarted.restartCount}); all ${report.checks.length} readiness checks pass ${seconds(recoveryMs)} after the kill; ${loadLine(context)}`;
    },
  };
}

/** `infra restart` of every container under load, timed until every readiness check passes again. */
export const stackRestartFault: VerifyCheck<FaultContext> = {
  group: 'crash',
  name: 'restart of the whole stack (infra restart): ready again',
  run: async (context) => {
    await sleep(context.timing.settleMs);
    const started = performance.now();
    await context.stack.control.restartAll();
    const { recoveryMs, report } = await waitRecovered(context.readiness, started, context.timing.recoveryTimeoutMs);
    context.recoveries.push({ fault: 'restart of the whole stack', injection: 'infra restart (compose restart, then the up readiness gate)', recoveryMs });
    return `every container restarted; all ${report.checks.length} readiness checks pass ${seconds(recoveryMs)} after the restart began; ${loadLine(context)}`;
  },
};

/**
 * Stops the load, waits for ingest to drain, and compares what the publishers were acknowledged with what is
 * stored, read three ways: through `FINAL` and the app's API (every acknowledged event visible exactly once),
 * and raw, where redelivered copies wait for ClickHouse to merge them (no more copies than JetStream
 * redeliveries, and none left after `OPTIMIZE TABLE … FINAL`). Reading only through `FINAL` would hide the copies.
 */
export const exactlyOnceAccounting: VerifyCheck<FaultContext> = {
  group: 'accounting',
  name: 'every acknowledged event is visible exactly once; raw copies stay within the redeliveries and merge away',
  run: async (context) => {
    const events = await context.load.stop();
    const acked = events.filter((e) => e.acked);
    if (acked.length === 0) throw new Error(`no event of ${events.length} published was acknowledged — the publisher never reached JetStream or the app`);
    const drainStarted = performance.now();
    const subject = `qraft.events.${context.loadType}`;
    const counts = await pollUntil(
      `every acknowledged event of type ${context.loadType} to be stored and JetStream's consumers to have nothing left to deliver or acknowledge`,
      async () => {
        const now = await storedEventCounts(context.clickhouseAccess, context.loadType);
        if (!acked.every((e) => now.perId.has(e.id))) return undefined;
        return drained(await deliverySnapshot(context.monitor, subject)) ? now : undefined;
      },
      context.timing.drainTimeoutMs,
    ).catch(async (error: Error) => {
      context.log(`  ${error.message}`);
      return storedEventCounts(context.clickhouseAccess, context.loadType);
    });
    const drainMs = performance.now() - drainStarted;
    const deliveries = await deliverySnapshot(context.monitor, subject);
    const apiCounts = new Map<string, number>();
    for (const e of await queryEventsByType(context.stack.endpoints.app!, context.loadType)) apiCounts.set(e.id, (apiCounts.get(e.id) ?? 0) + 1);
    await mergeEvents(context.clickhouseAccess);
    const merged = await storedEventCounts(context.clickhouseAccess, context.loadType);
    const accounting: CopyAccounting = {
      final: accountEvents(events, counts.perId),
      api: accountEvents(events, apiCounts),
      rawRows: counts.rawRows,
      distinctIds: counts.distinctIds,
      redeliveries: redeliveriesBetween(context.deliveriesAtStart, deliveries),
      mergedRows: merged.rawRows,
      mergedDistinctIds: merged.distinctIds,
    };
    context.accounting = accounting;
    const summary = `${formatCopyAccounting(accounting)}; drained ${seconds(drainMs)} after the load stopped`;
    const problems = copyProblems(accounting);
    if (problems.length > 0) throw new Error(`${problems.join('; ')} — ${summary}`);
    return summary;
  },
};

/** The crash faults in the order the issue names them, then the accounting. */
export function crashFaultChecks(): Array<VerifyCheck<FaultContext>> {
  return [
    processCrashFault('nats', 'nats-server'),
    processCrashFault('clickhouse', 'clickhouse-server'),
    processCrashFault('app', 'node'),
    stackRestartFault,
    exactlyOnceAccounting,
  ];
}

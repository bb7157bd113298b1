import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { endpoints } from '@qraft/config';
import {
  communicationChecks,
  dataOwnershipCheck,
  formatOutcome,
  formatSummary,
  frontendIsolation,
  logsGrowCheck,
  persistenceChecks,
  runChecks,
  startupChecks,
  stdoutLogsCheck,
  toJson,
  toJUnit,
  totals,
  type StackContext,
  type StackService,
  type VerifyCheck,
} from '@qraft/verify';
import type { Progress } from '../images/progress';
import { composeStream } from './compose';
import { downStack } from './down';
import type { StackOptions } from './stack-options';
import { upStack, type StackHandle } from './up';

function stackServices(handle: StackHandle, workspaceRoot: string): StackService[] {
  return Object.values(handle.model.services).map((s) => ({
    name: s.name,
    containerName: s.containerName,
    available: s.available,
    ...(s.note ? { note: s.note } : {}),
    ...(s.data ? { dataDir: { hostPath: join(workspaceRoot, s.data.host), uid: s.user.uid } } : {}),
    ...(s.logs ? { logDir: join(workspaceRoot, s.logs.host) } : {}),
  }));
}

/** Builds the verification context for a running stack: what the checks see and what they may do to it. */
export function verifyContext(handle: StackHandle, options: StackOptions, progress: Progress, startedAt: Date): StackContext {
  const context: StackContext = {
    docker: handle.docker,
    engine: handle.runtime.compose.engine,
    services: stackServices(handle, options.workspaceRoot),
    endpoints: endpoints(handle.model, 'host'),
    clickhouse: handle.credentials.clickhouse ?? { user: handle.model.clickhouseUsers.app, password: '' },
    ...(handle.credentials.grafana ? { grafana: handle.credentials.grafana } : {}),
    frontendNetwork: `${handle.model.project}_frontend`,
    probeImage: handle.model.services.app.image.reference,
    startedAt,
    control: {
      restartAll: async () => {
        const done = progress.step('restarting every container');
        const result = await composeStream(handle.target, ['restart'], (line) => progress.line(`  ${line}`));
        if (!result.ok) throw new Error(`compose restart failed: ${result.tail.slice(-10).join('\n')}`);
        done();
        const up = await upStack(handle, options, progress);
        context.startedAt = up.startedAt;
      },
      recreate: async () => {
        await downStack(handle, progress);
        const up = await upStack(handle, options, progress);
        context.startedAt = up.startedAt;
      },
    },
  };
  return context;
}

/** The whole verification, in the order that keeps each check's preconditions. */
export function allChecks(services: readonly StackService[]): Array<VerifyCheck<StackContext>> {
  const pokeApp = async (context: StackContext) => {
    if (context.endpoints.app) await fetch(new URL('/events?limit=1', context.endpoints.app)).then((r) => r.arrayBuffer());
  };
  const running = services.filter((s) => s.available);
  return [
    ...startupChecks(services),
    ...communicationChecks,
    frontendIsolation,
    ...running.filter((s) => s.dataDir).map(dataOwnershipCheck),
    ...running.map((s) => (s.logDir ? logsGrowCheck(s, pokeApp) : stdoutLogsCheck(s))),
    ...persistenceChecks(),
  ];
}

/**
 * Brings the stack up (or finds it up), runs every verification, writes reports/verify/<engine>-<images>.{xml,json},
 * prints the summary and returns the exit code.
 */
export async function runContainerTests(handle: StackHandle, options: StackOptions, progress: Progress): Promise<number> {
  const up = await upStack(handle, options, progress);
  const context = verifyContext(up.handle, options, progress, up.startedAt);
  const outcomes = await runChecks(allChecks(context.services), context, { onOutcome: (o) => progress.line(formatOutcome(o)) });
  const dir = join(options.workspaceRoot, 'reports', 'verify');
  mkdirSync(dir, { recursive: true });
  const base = `${handle.runtime.compose.engine}-${handle.model.imageSet}-${handle.model.variant}`;
  writeFileSync(join(dir, `${base}.xml`), toJUnit(outcomes, `container-test.${base}`));
  writeFileSync(join(dir, `${base}.json`), toJson(outcomes));
  console.log(options.json ? toJson(outcomes) : `\n${formatSummary(outcomes)}`);
  return totals(outcomes).failed === 0 ? 0 : 1;
}

#!/usr/bin/env -S tsx --conditions=@qraft/source
// The fault suite: crashes under a steady publish load, exactly-once accounting, and faults of the environment.
// Logic lives in @qraft/verify's library (src/faults, with its tests); this script wires it to the command line
// and to @qraft/stack in-process (compose, restart, and `up` at the end to restore mounts and ownership).
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { argv, chalk } from 'zx';
import { ExitCode, isUsageError } from '@qraft/cli';
import { composeStream, createProgress, openStack, readinessChecks, upStack } from '@qraft/stack';
import {
  contextFromStack,
  crashFaultChecks,
  DEFAULT_FAULT_TIMING,
  deliverySnapshot,
  environmentFaultChecks,
  FAULTS_HELP,
  formatFaultTable,
  formatOutcome,
  formatSummary,
  httpSender,
  jetStreamSender,
  connectAs,
  parseFaultOptions,
  PublishLoad,
  runVerifyChecks,
  stackControl,
  toJson,
  totals,
  writeReports,
  type CheckOutcome,
  type ComposeRunner,
  type FaultContext,
  type LoadChannel,
  type StackContext,
} from '@qraft/verify';

const workspaceRoot = resolve(fileURLToPath(import.meta.url), '../../../..');

export async function main(): Promise<number> {
  const options = parseFaultOptions(argv, process.env);
  if (options.help) {
    console.log(FAULTS_HELP);
    return 0;
  }
  // The engine is detected as `infra up` detects it, so a Podman-only host needs no --engine.
  const handle = await openStack({ ...options, workspaceRoot }, process.env);
  const { model } = handle;
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const progress = createProgress();
  const compose: ComposeRunner = async (args, overrideFile) => {
    const target = overrideFile ? { ...handle.target, overrides: [overrideFile] } : handle.target;
    const result = await composeStream(target, args, () => undefined);
    if (!result.ok) {
      throw new Error(`compose ${args.join(' ')}${overrideFile ? ' (with a fault override)' : ''} failed with exit code ${result.exitCode}: ${result.tail.slice(-5).join(' | ')}`);
    }
  };
  const stackContext: StackContext = contextFromStack(handle, stackControl(handle, options.timeoutMs, progress));
  const app = await stackContext.docker.getContainer(model.services.app.containerName).inspect().catch(() => undefined);
  if (!app?.State.Running) {
    console.error(chalk.red(`faults: ${model.services.app.containerName} is not running — bring the stack up first: pnpm nx run infra:up -- ${options.stackFlags.join(' ')}`));
    return 2;
  }
  const { endpoints } = stackContext;
  if (!endpoints.nats || !endpoints.app || !endpoints.clickhouse) {
    console.error(chalk.red(`faults: the ${model.variant} variant does not publish NATS, ClickHouse and the app on the host — run it on the dev variant`));
    return 2;
  }

  const jetstream = await jetStreamSender(endpoints.nats, stackContext.natsPublisher);
  const monitor = await connectAs(endpoints.nats, stackContext.natsMonitor, 'monitor', { name: 'qraft-faults-monitor', maxReconnectAttempts: -1, reconnectTimeWait: 250 });
  const loadType = `faults.load.l${randomUUID().slice(0, 8)}`;
  const channels: LoadChannel[] = [
    ...(options.jetstreamRate > 0 ? [{ name: 'jetstream', ratePerSecond: options.jetstreamRate, send: jetstream.send }] : []),
    ...(options.httpRate > 0 ? [{ name: 'http', ratePerSecond: options.httpRate, send: httpSender(endpoints.app) }] : []),
  ];
  const context: FaultContext = {
    stack: stackContext,
    readiness: readinessChecks(model, handle.docker, handle.credentials),
    clickhouseAccess: { url: endpoints.clickhouse, ...stackContext.clickhouse, database: model.clickhouseUsers.database },
    load: new PublishLoad({ type: loadType, channels, maxDurationMs: 600_000 }),
    loadType,
    jetstream,
    monitor,
    compose,
    workspaceRoot,
    timing: DEFAULT_FAULT_TIMING,
    log,
    recoveries: [],
  };
  log(`load: ${channels.map((c) => `${c.ratePerSecond}/s via ${c.name}`).join(', ')}, events of type ${loadType}`);

  const colour = (line: string) => (line.startsWith('PASS') ? chalk.green(line) : line.startsWith('FAIL') ? chalk.red(line) : chalk.yellow(line));
  let tagged = 0;
  const onOutcome = (o: CheckOutcome) => {
    log(colour(formatOutcome(o)));
    // The rows a check added get its result; a check that failed before adding one still gets a row.
    if (o.group !== 'accounting' && o.group !== 'restore' && context.recoveries.length === tagged) {
      context.recoveries.push({ fault: o.name.split(':')[0]!, injection: '—', note: o.detail.slice(0, 120) });
    }
    for (const r of context.recoveries.slice(tagged)) r.result = o.status;
    tagged = context.recoveries.length;
  };
  const outcomes: CheckOutcome[] = [];
  try {
    // Redeliveries are counted from here: JetStream keeps only a running total of deliveries per consumer.
    // Without this figure they count from each consumer's creation — a looser bound, said so, not a failure.
    context.deliveriesAtStart = await deliverySnapshot(monitor, `qraft.events.${loadType}`).catch((error: Error) => {
      log(`  JetStream's delivery figures before the load could not be read (${error.message}); redeliveries count from each consumer's creation`);
      return undefined;
    });
    context.load.start();
    outcomes.push(...(await runVerifyChecks(crashFaultChecks(), context, { onOutcome })));
    outcomes.push(...(await runVerifyChecks(environmentFaultChecks(), context, { onOutcome })));
  } finally {
    await context.load.stop();
    await jetstream.close().catch(() => undefined);
    await monitor.close().catch(() => undefined);
    // Whatever a fault left behind (a stopped container, an override's mount), `up` puts the stack back as
    // configured: directories and ownership prepared again, every service healthy.
    log('restoring the stack: infra up');
    const started = performance.now();
    const restored = await upStack(handle, options, progress).then(() => undefined, (error: Error) => error.message);
    const outcome: CheckOutcome = {
      group: 'restore',
      name: 'infra up puts the stack back as configured after the faults',
      status: restored === undefined ? 'passed' : 'failed',
      durationMs: performance.now() - started,
      detail: restored ?? 'every service healthy, data and log directories prepared again',
    };
    outcomes.push(outcome);
    onOutcome(outcome);
  }

  const name = `${handle.runtime.engine.name}-${model.imageSet}-${model.variant}`;
  const files = writeReports(join(workspaceRoot, 'reports', 'faults'), name, outcomes);
  const table = formatFaultTable(context.recoveries, context.accounting);
  if (options.json) {
    console.log(JSON.stringify({ ...(JSON.parse(toJson(outcomes)) as object), loadType, accounting: context.accounting ?? null, recoveries: context.recoveries }, null, 2));
  } else {
    console.log(`\n${table}\n\n${formatSummary(outcomes)}\nreports: ${files.map((f) => f.slice(workspaceRoot.length + 1)).join(', ')}`);
  }
  return totals(outcomes).failed === 0 ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      // @qraft/cli's exit codes: 2 for bad input (an option or QRAFT_* value), 1 for anything that failed while running.
      console.error(chalk.red(`faults: ${error instanceof Error ? error.message : String(error)}`));
      process.exit(isUsageError(error) ? ExitCode.usage : ExitCode.failure);
    },
  );
}

#!/usr/bin/env -S tsx --conditions=@qraft/source
// The TypeScript successor of test_containers.sh: verifies a running Qraft stack end to end.
// Logic lives in @qraft/verify's library (and its tests); this script wires it to the command line and to
// @qraft/stack, which restarts and re-creates the stack in-process for the persistence checks.
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { argv, chalk } from 'zx';
import { ExitCode, isUsageError } from '@qraft/cli';
import { createProgress, openStack } from '@qraft/stack';
import {
  allChecks,
  contextFromStack,
  formatOutcome,
  formatSummary,
  parseVerifyOptions,
  runVerifyChecks,
  stackControl,
  toJson,
  totals,
  VERIFY_HELP,
  writeReports,
  type StackContext,
} from '@qraft/verify';

const workspaceRoot = resolve(fileURLToPath(import.meta.url), '../../../..');

export async function main(): Promise<number> {
  const options = parseVerifyOptions(argv, process.env);
  if (options.help) {
    console.log(VERIFY_HELP);
    return 0;
  }
  // The engine is detected as `infra up` detects it, so a Podman-only host needs no --engine.
  const handle = await openStack({ ...options, workspaceRoot }, process.env);
  const { model } = handle;
  const progress = createProgress();
  const context: StackContext = contextFromStack(
    handle,
    stackControl(handle, options.timeoutMs, progress, () => {
      context.startedAt = new Date();
    }),
  );
  // Log checks read from the containers' own start, not from whenever this script began.
  const app = await context.docker.getContainer(model.services.app.containerName).inspect().catch(() => undefined);
  if (!app) {
    console.error(chalk.red(`verify: ${model.services.app.containerName} does not exist — bring the stack up first: pnpm nx run infra:up -- ${options.stackFlags.join(' ')}`));
    return 2;
  }
  context.startedAt = new Date(new Date(app.State.StartedAt).getTime() - 1_000);

  const colour = (line: string) => (line.startsWith('PASS') ? chalk.green(line) : line.startsWith('FAIL') ? chalk.red(line) : chalk.yellow(line));
  const outcomes = await runVerifyChecks(allChecks(context.services), context, {
    onOutcome: (o) => process.stderr.write(`${colour(formatOutcome(o))}\n`),
  });
  const name = `${handle.runtime.engine.name}-${model.imageSet}-${model.variant}`;
  const files = writeReports(join(workspaceRoot, 'reports', 'verify'), name, outcomes);
  console.log(options.json ? toJson(outcomes) : `\n${formatSummary(outcomes)}\nreports: ${files.map((f) => f.slice(workspaceRoot.length + 1)).join(', ')}`);
  return totals(outcomes).failed === 0 ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      // @qraft/cli's exit codes: 2 for bad input (an option or QRAFT_* value), 1 for anything that failed while running.
      console.error(chalk.red(`verify: ${error instanceof Error ? error.message : String(error)}`));
      process.exit(isUsageError(error) ? ExitCode.usage : ExitCode.failure);
    },
  );
}

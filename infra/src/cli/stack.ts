import { parseArgs } from 'node:util';
import { createProgress } from '../images/progress';
import { composeQuiet, composeStream } from '../stack/compose';
import { downStack } from '../stack/down';
import { formatStackTable, stackRows } from '../stack/stack-table';
import { normalizeOptions, STACK_FLAGS, STACK_FLAGS_HELP } from '../stack/stack-options';
import { openStack, upStack } from '../stack/up';
import { ensureEngine } from '../stack/bootstrap-engine';
import { loadStack } from '@qraft/config';
import { runChecks } from '@qraft/health';
import { readinessChecks } from '../stack/readiness-checks';

const HELP = `Usage: tsx --conditions=@qraft/source infra/src/cli/stack.ts <up|down|restart|ps|logs> [options]
(or: pnpm nx run infra:<command> -- [options])

  up              check ports and images, prepare data/, logs/ and secrets/, start the stack and wait
                  until every service answers its own probe; ends with a table of services and URLs
  down            stop and remove the stack's containers (data/ and logs/ stay)
  restart         restart every container, then wait until healthy again (as up does)
  ps              the table of services, health and URLs, from live probes
  logs            the last lines of every container's log
(\`nx run infra:container-test\` brings the stack up, then runs packages/verify/scripts/verify.mts.)

Options:
${STACK_FLAGS_HELP}`;

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: STACK_FLAGS, allowPositionals: true });
  const command = positionals[0];
  if (values.help || !command) {
    console.log(HELP);
    return command || values.help ? 0 : 2;
  }
  const options = normalizeOptions(values, process.env);
  const progress = createProgress();
  // A fresh root Debian/Ubuntu host has no engine yet: `up` installs one (one line says so) or names the command.
  // The configuration is checked first: a bad variable is named before anything is installed.
  if (command === 'up') {
    loadStack({ variant: options.variant, imageSet: options.imageSet, env: process.env });
    await ensureEngine(options.workspaceRoot, values.engine, (line) => progress.line(line));
  }
  const handle = await openStack(options, process.env);
  switch (command) {
    case 'up': {
      const { handle: up, report } = await upStack(handle, options, progress);
      const rows = stackRows(up.model, report);
      console.log(options.json ? JSON.stringify({ ok: true, services: rows }, null, 2) : `\n${formatStackTable(rows)}`);
      return 0;
    }
    case 'down':
      await downStack(handle, progress);
      return 0;
    case 'ps': {
      const report = await runChecks(readinessChecks(handle.model, handle.docker, handle.credentials));
      const rows = stackRows(handle.model, report);
      console.log(options.json ? JSON.stringify({ ok: report.ok, services: rows }, null, 2) : formatStackTable(rows));
      return report.ok ? 0 : 1;
    }
    case 'logs': {
      const result = await composeStream(handle.target, ['logs', '--tail', '50'], (line) => console.log(line));
      return result.ok ? 0 : 1;
    }
    case 'restart': {
      const done = progress.step(`${handle.target.runtime.compose.command.join(' ')} restart`);
      const result = await composeStream(handle.target, ['restart'], (line) => progress.line(`  ${line}`));
      if (!result.ok) throw new Error(`compose restart failed (exit ${result.exitCode}):\n${result.tail.slice(-15).join('\n')}`);
      done();
      const { handle: up, report } = await upStack(handle, options, progress);
      console.log(options.json ? JSON.stringify({ ok: true, services: stackRows(up.model, report) }, null, 2) : `\n${formatStackTable(stackRows(up.model, report))}`);
      return 0;
    }
    case 'config': {
      const result = await composeQuiet(handle.target, ['config']);
      console.log(result.stdout || result.stderr);
      return result.ok ? 0 : 1;
    }
    default:
      console.error(`stack: unknown command "${command}" — use up, down, restart, ps or logs (see --help)`);
      return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`\nstack: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}

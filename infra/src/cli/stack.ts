import { parseArgs } from 'node:util';
import { loadStack } from '@qraft/config';
import { runChecks } from '@qraft/health';
import { composeQuiet, composeStream, createProgress, downStack, formatStackTable, openStack, readinessChecks, restartStack, stackRows, upStack } from '@qraft/stack';
import { buildOfflineImages } from '../images/offline-image-set';
import { ensureEngine } from '../stack/bootstrap-engine';
import { normalizeOptions, STACK_FLAGS, STACK_FLAGS_HELP } from '../stack/stack-options';

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
  const table = (ok: boolean, rows: ReturnType<typeof stackRows>) => console.log(options.json ? JSON.stringify({ ok, services: rows }, null, 2) : `\n${formatStackTable(rows)}`);
  switch (command) {
    case 'up': {
      // The offline image set is cheap to check when current (each image's record against the engine), so `up` is one command.
      const prepareImages = handle.model.imageSet === 'offline' ? (engine: 'docker' | 'podman', p: typeof progress) => buildOfflineImages({ engine, progress: p }).then(() => undefined) : undefined;
      const { handle: up, report } = await upStack(handle, { timeoutMs: options.timeoutMs, ...(prepareImages ? { prepareImages } : {}) }, progress);
      table(true, stackRows(up.model, report));
      return 0;
    }
    case 'down':
      await downStack(handle, progress);
      return 0;
    case 'ps': {
      const report = await runChecks(readinessChecks(handle.model, handle.docker, handle.credentials));
      table(report.ok, stackRows(handle.model, report));
      return report.ok ? 0 : 1;
    }
    case 'logs': {
      const result = await composeStream(handle.target, ['logs', '--tail', '50'], (line) => console.log(line));
      return result.ok ? 0 : 1;
    }
    case 'restart': {
      const { report } = await restartStack(handle, options, progress);
      table(true, stackRows(handle.model, report));
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

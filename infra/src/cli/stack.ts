import { runMain, UsageError, type CliSpec } from '@qraft/cli';
import { loadStack } from '@qraft/config';
import { runChecks } from '@qraft/health';
import { composeQuiet, composeStream, createProgress, downStack, formatStackTable, openStack, readinessChecks, restartStack, stackRows, upStack, type StackRow } from '@qraft/stack';
import { ensureEngine } from '../stack/bootstrap-engine';
import { prepareImagesFor } from '../stack/prepare-images';
import { normalizeOptions, STACK_FLAGS, STACK_FLAGS_HELP } from '../stack/stack-options';

const HELP = `Usage: tsx --conditions=@qraft/source infra/src/cli/stack.ts <up|down|restart|ps|logs> [options]
(or: pnpm nx run infra:<command> -- [options])

  up              start an engine on a fresh root Debian/Ubuntu host, build the images that are not current
                  (offline set, app), check ports, prepare data/, logs/ and secrets/, start the stack and wait
                  until every service answers its own probe; ends with a table of services and URLs
  down            stop and remove the stack's containers (data/ and logs/ stay)
  restart         restart every container, then wait until healthy again (as up does)
  ps              the table of services, health and URLs, from live probes (exit 1 when one is not healthy)
  logs            the last lines of every container's log
(\`nx run infra:container-test\` brings the stack up, then runs packages/verify/scripts/verify.mts.)

Options:
${STACK_FLAGS_HELP}`;

/** `config` prints the resolved compose file (for debugging; not in the help). */
const COMMANDS = ['up', 'down', 'restart', 'ps', 'logs', 'config'] as const;
type Command = (typeof COMMANDS)[number];

/** The command, checked before anything is opened: an unknown one is bad input (exit 2) on a host without an engine too. */
function commandOf(positionals: readonly string[]): Command {
  const [command, extra] = positionals;
  if (command === undefined) throw new UsageError('no command — use up, down, restart, ps or logs');
  if (!COMMANDS.includes(command as Command)) throw new UsageError(`unknown command "${command}" — use up, down, restart, ps or logs`);
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}" after ${command}`);
  return command as Command;
}

export const stackCli: CliSpec<typeof STACK_FLAGS> = {
  name: 'stack',
  help: HELP,
  options: STACK_FLAGS,
  positionals: true,
  async run({ values, positionals, json, io }) {
    const command = commandOf(positionals);
    const options = normalizeOptions({ ...values, json }, process.env);
    const progress = createProgress();
    // A fresh root Debian/Ubuntu host has no engine yet: `up` installs one (one line says so) or names the command.
    // The configuration is checked first: a bad variable is named before anything is installed.
    if (command === 'up') {
      loadStack({ variant: options.variant, imageSet: options.imageSet, env: process.env });
      await ensureEngine(options.workspaceRoot, options.engine, (line) => progress.line(line));
    }
    const handle = await openStack(options, process.env);
    const table = (ok: boolean, rows: StackRow[]) => io.out(json ? JSON.stringify({ ok, services: rows }, null, 2) : `\n${formatStackTable(rows)}`);
    switch (command) {
      case 'up': {
        const prepareImages = prepareImagesFor(handle.model.imageSet, process.env);
        const { handle: up, report } = await upStack(handle, { timeoutMs: options.timeoutMs, prepareImages }, progress);
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
        const result = await composeStream(handle.target, ['logs', '--tail', '50'], (line) => io.out(line));
        return result.ok ? 0 : 1;
      }
      case 'restart': {
        const { report } = await restartStack(handle, options, progress);
        table(true, stackRows(handle.model, report));
        return 0;
      }
      case 'config': {
        const result = await composeQuiet(handle.target, ['config']);
        io.out(result.stdout || result.stderr);
        return result.ok ? 0 : 1;
      }
    }
  },
};

if (require.main === module) runMain(stackCli);

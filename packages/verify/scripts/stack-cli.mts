// The infra stack CLI as the verification scripts call it, through zx: its progress goes to stderr as it
// happens, and a failure is reported with its exit code.
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { $ } from 'zx';

export const workspaceRoot = resolve(fileURLToPath(import.meta.url), '../../../..');
const stackCli = ['tsx', '--conditions=@qraft/source', join(workspaceRoot, 'infra/src/cli/stack.ts')];

/** Returns `stack(command)`: runs `infra/src/cli/stack.ts <command> <flags>` in the workspace root. */
export function stackRunner(flags: readonly string[]): (command: string) => Promise<void> {
  return async (command) => {
    const result = await $({ cwd: workspaceRoot, stdio: ['ignore', 'inherit', 'inherit'], nothrow: true })`${stackCli} ${command} ${flags}`;
    if (result.exitCode !== 0) throw new Error(`\`infra ${command}\` failed with exit code ${result.exitCode}`);
  };
}

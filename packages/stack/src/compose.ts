import { resolve } from 'node:path';
import type { Runtime } from './runtime';
import { streamCommand, type StreamCommandResult } from './stream-command';
import { runCommand, type CommandResult } from './run-command';

/** Which compose file, under which project name, with which tool. */
export interface ComposeTarget {
  readonly runtime: Runtime;
  readonly file: string;
  /** More compose files on top of `file` (a fault's override), in order. */
  readonly overrides?: readonly string[];
  readonly project: string;
  readonly cwd: string;
  /**
   * The compose document itself, given on stdin as `-f -` (`file` is then `-`); compose resolves its relative paths
   * from `cwd`, which is then the directory of the stack's file. See documentTarget.
   */
  readonly stdin?: string;
}

/** The argv for one compose call: the three tools take the same subcommands after `-p` and `-f`. */
export function composeArgv(target: ComposeTarget, args: readonly string[]): [string, string[]] {
  const [bin, ...prefix] = target.runtime.compose.command;
  // podman-compose 1.3 changes into the compose file's directory before it opens the file, so a relative -f
  // is not found there. Absolute paths work with every compose tool.
  const files = [target.file, ...(target.overrides ?? [])].flatMap((f) => ['-f', f === '-' ? f : resolve(target.cwd, f)]);
  return [bin!, [...prefix, '-p', target.project, ...files, ...args]];
}

/** A short compose call whose output we parse. */
export function composeQuiet(target: ComposeTarget, args: readonly string[], timeoutMs = 60_000): Promise<CommandResult> {
  const [bin, argv] = composeArgv(target, args);
  return runCommand(bin, argv, timeoutMs, { cwd: target.cwd, ...(target.stdin === undefined ? {} : { input: target.stdin }) });
}

/** A long compose call (up, down) whose lines go to `onLine` as they come. */
export function composeStream(
  target: ComposeTarget,
  args: readonly string[],
  onLine: (line: string) => void,
  timeoutMs = 600_000,
): Promise<StreamCommandResult> {
  const [bin, argv] = composeArgv(target, args);
  return streamCommand(bin, argv, { cwd: target.cwd, onLine, timeoutMs, keepLines: 60, ...(target.stdin === undefined ? {} : { input: target.stdin }) });
}

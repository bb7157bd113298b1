import { execFile } from 'node:child_process';

export interface CommandResult {
  readonly ok: boolean;
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number | null;
}

export interface RunCommandOptions {
  /** Written to the command's stdin, which is then closed (closed at once when absent). */
  readonly input?: string;
  readonly cwd?: string;
}

/** Runs a command without a shell and never throws: a missing binary is `ok: false` with exitCode null. */
export function runCommand(file: string, args: readonly string[], timeoutMs = 15_000, { input, cwd }: RunCommandOptions = {}): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = execFile(file, [...args], { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, ...(cwd ? { cwd } : {}) }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ ok: !error, stdout: String(stdout), stderr: String(stderr) || (error?.message ?? ''), exitCode: code });
    });
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input);
  });
}

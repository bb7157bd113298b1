import { spawn } from 'node:child_process';

export interface StreamCommandOptions {
  /** Called with each complete line of stdout and stderr, in arrival order. */
  readonly onLine?: (line: string) => void;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Text written to stdin, which is then closed (a compose document read from `-f -`); absent: no stdin. */
  readonly input?: string;
  readonly timeoutMs?: number;
  /** How many trailing output lines to keep for error messages. */
  readonly keepLines?: number;
}

export interface StreamCommandResult {
  readonly ok: boolean;
  readonly exitCode: number | null;
  /** The last `keepLines` lines of combined output. */
  readonly tail: readonly string[];
  /** Why the command could not run at all (missing binary, timeout), empty otherwise. */
  readonly error: string;
}

/**
 * Runs a long command without a shell, streaming its output line by line, and never throws.
 * Builds print too much to buffer and too slowly to stay silent, hence not runCommand.
 */
export function streamCommand(file: string, args: readonly string[], options: StreamCommandOptions = {}): Promise<StreamCommandResult> {
  const keep = options.keepLines ?? 40;
  const tail: string[] = [];
  return new Promise((resolve) => {
    const child = spawn(file, [...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    // A child that exits before reading all of it (a bad flag) must not crash us with EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input);
    let error = '';
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            error = `timed out after ${Math.round(options.timeoutMs! / 1000)} s`;
            child.kill('SIGKILL');
          }, options.timeoutMs);
    timer?.unref();
    const feed = (): ((chunk: Buffer) => void) => {
      let partial = '';
      return (chunk) => {
        const lines = (partial + chunk.toString('utf8')).split(/\r?\n/);
        partial = lines.pop() ?? '';
        for (const line of lines) {
          tail.push(line);
          if (tail.length > keep) tail.shift();
          options.onLine?.(line);
        }
      };
    };
    child.stdout.on('data', feed());
    child.stderr.on('data', feed());
    child.once('error', (e) => {
      error = e.message;
    });
    child.once('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ ok: code === 0 && error === '', exitCode: code, tail, error });
    });
  });
}

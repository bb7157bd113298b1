import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const FIX = 'install the test servers with `bash infra/scripts/engine.sh --servers` (root, Debian/Ubuntu)';

/** Finds a server binary on PATH or in the sbin directories Debian puts daemons in. */
export function findBinary(name: string): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter), '/usr/sbin', '/usr/bin', '/sbin'];
  return dirs.map((d) => join(d, name)).find((p) => existsSync(p));
}

export function requireBinary(name: string): string {
  const path = findBinary(name);
  if (!path) throw new Error(`${name} is not installed — ${FIX}`);
  return path;
}

/** The real servers the suites start. */
export type TestServerBinary = 'nats-server' | 'clickhouse-server' | 'prometheus';
export const TEST_SERVER_BINARIES: readonly TestServerBinary[] = ['nats-server', 'clickhouse-server', 'prometheus'];

/** Which of `binaries` (default: all three) this host cannot start, with the reason for each. */
export function missingServers(binaries: readonly TestServerBinary[] = TEST_SERVER_BINARIES): string[] {
  return binaries
    .filter((b) => !findBinary(b))
    .map((b) => `${b} is not installed — ${FIX}`);
}

/** Servers running now, killed when this process exits without stopping them (see killOnExit). */
const running = new Set<ChildProcess>();

/**
 * A process that exits without disposing its servers (a script's `process.exit`, a test runner's forced exit) would
 * leave them running, holding ports and CPU (one left for 40 minutes spoiled a benchmark). The 'exit' event comes
 * for `process.exit` and a natural end, and a signal may be sent from it; a SIGKILL of this process cannot be caught.
 */
function killOnExit(child: ChildProcess): void {
  if (running.size === 0) process.on('exit', killRunning);
  running.add(child);
  child.once('exit', () => {
    running.delete(child);
    if (running.size === 0) process.off('exit', killRunning);
  });
}

function killRunning(): void {
  for (const child of running) child.kill('SIGKILL');
}

/**
 * A child process that can be stopped and started again with the same arguments,
 * so tests can take a server away while something watches it and bring it back.
 */
export class ServerProcess {
  private child: ChildProcess | undefined;
  private output = '';

  constructor(
    private readonly name: string,
    private readonly binary: string,
    private readonly args: readonly string[],
    private readonly cwd: string,
  ) {}

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Last lines the server printed, for error messages. */
  tail(lines = 20): string {
    return this.output.split('\n').slice(-lines).join('\n');
  }

  start(): void {
    if (this.running) return;
    this.output = '';
    const child = spawn(this.binary, [...this.args], { cwd: this.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('error', (error) => keep(Buffer.from(`${this.name}: ${error.message}\n`)));
    killOnExit(child);
    this.child = child;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}

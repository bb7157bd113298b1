import { execFile } from 'node:child_process';
import { UsageError } from '@qraft/cli';

export interface PodmanResult {
  readonly ok: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs podman through a command prefix: `podman`, `podman --url unix:///…`, or `docker exec qraft-nested podman`. */
export type Podman = (args: readonly string[], options?: { readonly timeoutMs?: number; readonly input?: string }) => Promise<PodmanResult>;

/** Splits a prefix on whitespace (no quoting: a prefix is a command and flags, never a sentence). */
export function parsePodmanPrefix(prefix: string): string[] {
  const words = prefix.trim().split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) throw new UsageError('--podman is empty — give a command, e.g. "podman" or "podman --url unix:///run/podman/podman.sock"');
  return words;
}

export function podmanCommand(prefix: string): Podman {
  const [file, ...head] = parsePodmanPrefix(prefix);
  return (args, options = {}) =>
    new Promise((resolve) => {
      const child = execFile(file!, [...head, ...args], { timeout: options.timeoutMs ?? 60_000, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
        resolve({ ok: !error, stdout: String(stdout), stderr: String(stderr) || (error?.message ?? '') });
      });
      if (options.input !== undefined) child.stdin?.end(options.input);
    });
}

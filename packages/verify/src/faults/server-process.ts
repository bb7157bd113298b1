import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type Dockerode from 'dockerode';

interface ProcessEntry {
  readonly pid: number;
  readonly ppid: number;
  readonly command: string;
}

function readProcesses(procRoot: string): ProcessEntry[] {
  const entries: ProcessEntry[] = [];
  for (const name of readdirSync(procRoot)) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(join(procRoot, name, 'stat'), 'utf8');
      // The command in parentheses may itself hold spaces and parentheses: fields start after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const argv0 = readFileSync(join(procRoot, name, 'cmdline'), 'utf8').split('\0')[0] ?? '';
      entries.push({ pid: Number(name), ppid, command: basename(argv0) });
    } catch {
      // The process ended while we looked: it is not the one we want.
    }
  }
  return entries;
}

/**
 * The host PID of the process named `command` (argv[0]'s base name) below `rootPid` — the server under the
 * container's init (docker-init, catatonit, tini). The deepest match wins, so a wrapper of the same name is skipped.
 */
export function findServerPid(rootPid: number, command: string, procRoot = '/proc'): number | undefined {
  const processes = readProcesses(procRoot);
  let found: { pid: number; depth: number } | undefined;
  const walk = (pid: number, depth: number) => {
    for (const child of processes.filter((p) => p.ppid === pid)) {
      if (child.command === command && (!found || depth > found.depth)) found = { pid: child.pid, depth };
      walk(child.pid, depth + 1);
    }
  };
  walk(rootPid, 1);
  return found?.pid;
}

/** A container's state at one moment: enough to tell afterwards that it was started again. */
export interface ContainerMark {
  readonly startedAt: string;
  readonly restartCount: number;
  readonly running: boolean;
  readonly pid: number;
}

export async function markContainer(docker: Dockerode, name: string): Promise<ContainerMark> {
  const info = await docker.getContainer(name).inspect();
  return { startedAt: info.State.StartedAt, restartCount: info.RestartCount ?? 0, running: info.State.Running, pid: info.State.Pid };
}

export interface KilledProcess {
  readonly pid: number;
  readonly before: ContainerMark;
}

/**
 * SIGKILLs the server process inside a container from the host — a crash, not a stop: `docker kill` marks the
 * container as stopped by hand, and `restart: unless-stopped` then leaves it down, which is not what a crash does.
 * Needs the engine's processes in this PID namespace and the right to signal them (root on the engine's host).
 */
export async function killServerProcess(docker: Dockerode, containerName: string, command: string): Promise<KilledProcess> {
  const before = await markContainer(docker, containerName);
  if (!before.running || before.pid <= 0) throw new Error(`${containerName} is not running — nothing to kill`);
  const pid = findServerPid(before.pid, command);
  if (pid === undefined) {
    throw new Error(`no process "${command}" below ${containerName}'s init (host pid ${before.pid}) — run this as root on the engine's host`);
  }
  process.kill(pid, 'SIGKILL');
  return { pid, before };
}

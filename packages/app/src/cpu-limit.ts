import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, posix } from 'node:path';

/** The part of one cgroup's CPU quota file that says "no limit". */
const NO_LIMIT = new Set(['max', '-1']);

/** The file's text, or undefined when it cannot be read (absent in this hierarchy, or not ours to read). */
function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** `path` and each of its ancestors up to `/`, deepest first (`/a/b` → `/a/b`, `/a`, `/`). */
function ancestors(path: string): string[] {
  const list: string[] = [];
  for (let p = posix.normalize(`/${path}`); ; p = posix.dirname(p)) {
    list.push(p);
    if (p === '/') return list;
  }
}

/** CPUs a cgroup v2 `cpu.max` ("<quota> <period>" or "max <period>") allows; undefined for none or unreadable. */
function v2Limit(dir: string): number | undefined {
  const [quota, period] = readText(join(dir, 'cpu.max'))?.split(/\s+/) ?? [];
  if (quota === undefined || NO_LIMIT.has(quota)) return undefined;
  const cpus = Number(quota) / Number(period ?? 100_000);
  return Number.isFinite(cpus) && cpus > 0 ? cpus : undefined;
}

/** CPUs a cgroup v1 `cpu.cfs_quota_us` / `cpu.cfs_period_us` pair allows; undefined for -1 (none) or unreadable. */
function v1Limit(dir: string): number | undefined {
  const quota = readText(join(dir, 'cpu.cfs_quota_us'));
  if (quota === undefined || NO_LIMIT.has(quota)) return undefined;
  const cpus = Number(quota) / Number(readText(join(dir, 'cpu.cfs_period_us')) ?? Number.NaN);
  return Number.isFinite(cpus) && cpus > 0 ? cpus : undefined;
}

/**
 * How many CPUs the cgroup CPU quota lets this process use (fractional: 150000/100000 is 1.5), the tightest of its
 * cgroup and the cgroup's ancestors, or undefined when no quota applies. `root` is where the cgroup file systems are
 * mounted (`/sys/fs/cgroup`) and `selfCgroup` the text of `/proc/self/cgroup`: cgroup v2 (`0::/path`, `cpu.max`) and
 * v1 (`N:cpu,cpuacct:/path`, `cpu.cfs_quota_us`). In a container the cgroup is often mounted as its own root while
 * /proc/self/cgroup still names the host's path, so a directory that is not there is skipped and the root read.
 */
export function cgroupCpuLimit(root: string, selfCgroup: string): number | undefined {
  let limit: number | undefined;
  const lower = (cpus: number | undefined) => {
    if (cpus !== undefined && (limit === undefined || cpus < limit)) limit = cpus;
  };
  for (const line of selfCgroup.split('\n')) {
    const match = /^\d+:([^:]*):(.*)$/.exec(line.trim());
    if (!match) continue;
    const [, controllers = '', path = '/'] = match;
    if (controllers === '') {
      for (const dir of ancestors(path)) lower(v2Limit(join(root, dir)));
    } else if (controllers.split(',').includes('cpu')) {
      for (const mount of new Set([controllers, 'cpu', 'cpu,cpuacct', 'cpuacct,cpu'])) {
        for (const dir of ancestors(path)) lower(v1Limit(join(root, mount, dir)));
      }
    }
  }
  return limit;
}

/**
 * CPUs this process may use: what the scheduler lets it run on (os.availableParallelism), capped by a cgroup CPU
 * quota (a container's `--cpus`), which Node's own count does not look at.
 */
export function usableCpus(root = '/sys/fs/cgroup', selfCgroupFile = '/proc/self/cgroup', parallelism = availableParallelism()): number {
  const limit = cgroupCpuLimit(root, readText(selfCgroupFile) ?? '');
  return limit === undefined ? parallelism : Math.min(parallelism, limit);
}

/**
 * QRAFT_DECODE_WORKERS=auto: one decode worker when the process may use two CPUs or more, none otherwise. With a
 * second core the worker decodes beside the thread that keeps NATS, acks and inserts (measured faster end to end);
 * on one CPU (the app's container runs with `--cpus 1.0`) it would only add the cost of handing envelopes over.
 */
export function autoDecodeWorkers(cpus: number = usableCpus()): number {
  return cpus >= 2 ? 1 : 0;
}

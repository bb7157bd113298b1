import { readdirSync, readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in ticks of 1/100 s. */
const TICKS_PER_SECOND = 100;

/** Short names of the child servers, as /proc/<pid>/comm shows them (15 characters at most). */
const NAMES: Record<string, string> = { 'nats-server': 'nats-server', 'clickhouse-serv': 'clickhouse-server' };

/**
 * CPU seconds (user + system) used so far by this process's child servers (nats-server, clickhouse-server), by name,
 * summed over the children of that name; read from /proc/<pid>/stat. Empty where /proc is missing (not Linux).
 */
export function childServerCpuSeconds(): Record<string, number> {
  const out: Record<string, number> = {};
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return out;
  }
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // comm is in parentheses and may hold spaces; the fields after it are space-separated.
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    const name = NAMES[comm];
    if (!name || Number(fields[1]) !== process.pid) continue;
    // After comm: state(0) ppid(1) … utime(11) stime(12).
    out[name] = (out[name] ?? 0) + (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  }
  return out;
}

/** CPU seconds of this whole process (every thread) so far. */
export function processCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/**
 * CPU seconds of the calling thread so far (/proc/thread-self/stat), e.g. a worker thread's own; undefined where
 * /proc is missing.
 */
export function threadCpuSeconds(): number | undefined {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

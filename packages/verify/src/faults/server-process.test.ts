import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findServerPid } from './server-process';

describe('findServerPid', () => {
  it('finds the server process below a container-like init in a real process tree', async () => {
    // sh stands in for the container's init; sleep for the server under it.
    const init = spawn('sh', ['-c', 'sleep 30 & wait'], { stdio: 'ignore' });
    try {
      let pid: number | undefined;
      for (let i = 0; i < 50 && pid === undefined; i++) {
        pid = findServerPid(init.pid!, 'sleep');
        if (pid === undefined) await new Promise((r) => setTimeout(r, 20));
      }
      expect(pid).toBeGreaterThan(init.pid!);
      expect(findServerPid(init.pid!, 'nats-server')).toBeUndefined();
    } finally {
      init.kill('SIGKILL');
    }
  });

  it('prefers the deepest match, so a wrapper with the same name is not the one killed', () => {
    const proc = mkdtempSync(join(tmpdir(), 'qraft-proc-'));
    const add = (pid: number, ppid: number, argv0: string) => {
      mkdirSync(join(proc, String(pid)));
      writeFileSync(join(proc, String(pid), 'stat'), `${pid} (${argv0.slice(-15)}) S ${ppid} 1 1 0`);
      writeFileSync(join(proc, String(pid), 'cmdline'), `${argv0}\0--flag\0`);
    };
    try {
      add(10, 1, '/sbin/docker-init');
      add(11, 10, '/usr/local/bin/node');
      add(12, 11, '/usr/local/bin/node');
      add(13, 10, '/bin/sh');
      expect(findServerPid(10, 'node', proc)).toBe(12);
      expect(findServerPid(10, 'sh', proc)).toBe(13);
    } finally {
      rmSync(proc, { recursive: true, force: true });
    }
  });
});

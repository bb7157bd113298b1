import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { autoDecodeWorkers, cgroupCpuLimit, usableCpus } from './cpu-limit';

describe('the CPUs a process may use', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'qraft-cgroup-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), `${text}\n`);
  };

  it('reads a cgroup v2 quota from cpu.max, the tightest of the cgroup and its ancestors', () => {
    write('cpu.max', 'max 100000');
    write('app.slice/cpu.max', '300000 100000');
    write('app.slice/qraft/cpu.max', '150000 100000');
    expect(cgroupCpuLimit(root, '0::/app.slice/qraft\n')).toBe(1.5);
    expect(cgroupCpuLimit(root, '0::/app.slice\n')).toBe(3);
    expect(cgroupCpuLimit(root, '0::/\n')).toBeUndefined();
  });

  it('reads a cgroup v1 quota, also when the container sees its own cgroup as the root', () => {
    write('cpu,cpuacct/cpu.cfs_quota_us', '100000');
    write('cpu,cpuacct/cpu.cfs_period_us', '100000');
    // Docker without a cgroup namespace: /proc/self/cgroup names the host's path, which is not mounted here.
    expect(cgroupCpuLimit(root, '12:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n0::/\n')).toBe(1);
  });

  it('finds no limit when the quota is -1, max or its files are missing', () => {
    write('cpu/cpu.cfs_quota_us', '-1');
    write('cpu/cpu.cfs_period_us', '100000');
    expect(cgroupCpuLimit(root, '3:cpu:/\n')).toBeUndefined();
    expect(cgroupCpuLimit(join(root, 'absent'), '0::/x\n3:cpu:/\n')).toBeUndefined();
    expect(cgroupCpuLimit(root, '')).toBeUndefined();
  });

  it('caps the scheduler count by the quota and picks one decode worker only with two CPUs or more', () => {
    write('self-cgroup', '0::/');
    write('cpu.max', '100000 100000');
    expect(usableCpus(root, join(root, 'self-cgroup'), 2)).toBe(1);
    write('cpu.max', '400000 100000');
    expect(usableCpus(root, join(root, 'self-cgroup'), 2)).toBe(2);
    expect(usableCpus(join(root, 'absent'), join(root, 'absent'))).toBe(availableParallelism());
    expect([autoDecodeWorkers(1), autoDecodeWorkers(1.5), autoDecodeWorkers(2), autoDecodeWorkers(8)]).toEqual([0, 0, 1, 1]);
  });
});

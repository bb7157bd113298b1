import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fillTmpfs, FILLER_NAME, isTmpfsMount } from './disk-fill';

describe('fillTmpfs', () => {
  it('refuses a directory that is not a tmpfs mount point and writes nothing there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qraft-fill-'));
    const mounts = join(dir, 'mounts');
    writeFileSync(mounts, `/dev/vda / ext4 rw 0 0\ntmpfs ${dir}/elsewhere tmpfs rw 0 0\n`);
    try {
      expect(isTmpfsMount(dir, mounts)).toBe(false);
      expect(() => fillTmpfs(dir, 1 << 20, mounts)).toThrow(/not a tmpfs mount point — refusing/);
      expect(existsSync(join(dir, FILLER_NAME))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes at most maxBytes into a directory listed as a tmpfs mount point', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qraft-fill-'));
    const mounts = join(tmpdir(), `qraft-mounts-${process.pid}`);
    writeFileSync(mounts, `tmpfs ${dir} tmpfs rw,size=1m 0 0\n`);
    try {
      expect(fillTmpfs(dir, 3_000, mounts)).toBe(3_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(mounts, { force: true });
    }
  });
});

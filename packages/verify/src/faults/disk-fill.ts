import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const FILLER_NAME = '.qraft-fault-filler';

/** True when `dir` is itself the mount point of a tmpfs (per /proc/self/mounts). */
export function isTmpfsMount(dir: string, mountsFile = '/proc/self/mounts'): boolean {
  return readFileSync(mountsFile, 'utf8')
    .split('\n')
    .some((line) => {
      const [, mountPoint, type] = line.split(' ');
      return mountPoint === dir && type === 'tmpfs';
    });
}

/**
 * Fills the tmpfs mounted at `dir` with one file until writes fail with ENOSPC, and returns the bytes written.
 * Refuses any directory that is not a tmpfs mount point, so it can never fill a real disk; never writes more
 * than `maxBytes`.
 */
export function fillTmpfs(dir: string, maxBytes: number, mountsFile = '/proc/self/mounts'): number {
  if (!isTmpfsMount(dir, mountsFile)) throw new Error(`${dir} is not a tmpfs mount point — refusing to fill it`);
  const chunk = Buffer.alloc(1 << 20, 0x71);
  const fd = openSync(join(dir, FILLER_NAME), 'w');
  let written = 0;
  try {
    while (written < maxBytes) {
      try {
        written += writeSync(fd, chunk, 0, Math.min(chunk.length, maxBytes - written));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOSPC') return written;
        throw error;
      }
    }
  } finally {
    closeSync(fd);
  }
  return written;
}

/** Removes the filler again: the fault is over. */
export function removeFiller(dir: string): void {
  rmSync(join(dir, FILLER_NAME), { force: true });
}

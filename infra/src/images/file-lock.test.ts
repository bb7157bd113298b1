import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withFileLock } from './file-lock';

describe('file lock', () => {
  it('runs holders one after the other, never overlapping', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qraft-lock-'));
    try {
      const events: string[] = [];
      const hold = (name: string) => () =>
        new Promise<void>((resolve) => {
          events.push(`${name} in`);
          setTimeout(() => {
            events.push(`${name} out`);
            resolve();
          }, 100);
        });
      await Promise.all([withFileLock(join(dir, 'l'), hold('a')), withFileLock(join(dir, 'l'), hold('b'))]);
      expect(events).toEqual(['a in', 'a out', 'b in', 'b out']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes over a lock whose holder stopped refreshing it (the process is gone)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qraft-lock-'));
    try {
      mkdirSync(join(dir, 'l'));
      const minuteAgo = new Date(Date.now() - 60_000);
      utimesSync(join(dir, 'l'), minuteAgo, minuteAgo);
      expect(await withFileLock(join(dir, 'l'), async () => 'ran', 2_000)).toBe('ran');
      expect(existsSync(join(dir, 'l'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('waits for a live holder, says so once, and gives up at the deadline naming the lock', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qraft-lock-'));
    try {
      let waits = 0;
      const error = await withFileLock(join(dir, 'l'), () => withFileLock(join(dir, 'l'), async () => 'never', 1_000, () => waits++)).catch((e: unknown) => e);
      expect((error as Error).message).toBe(`waited 1 s for ${join(dir, 'l')} — another image build holds it; remove the directory if no build is running`);
      expect(waits).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('does not wait out the deadline when the lock cannot be made at all: it passes the file system error on', async () => {
    // A 10-minute deadline: a retry here would outlast the test's own time limit.
    await expect(withFileLock('/nonexistent-dir/qraft/l', async () => 'never', 600_000)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

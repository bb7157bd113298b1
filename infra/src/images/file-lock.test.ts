import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

  it('takes over a lock whose holder process is gone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qraft-lock-'));
    try {
      mkdirSync(join(dir, 'l'));
      writeFileSync(join(dir, 'l', 'pid'), '2147483646');
      expect(await withFileLock(join(dir, 'l'), async () => 'ran', 2_000)).toBe('ran');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

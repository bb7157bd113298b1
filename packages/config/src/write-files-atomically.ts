import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Writes every file next to its target under a temporary name first, then renames them into place, so
 * a failure while writing leaves the previous files untouched and no half-written one behind.
 */
export function writeFilesAtomically(root: string, files: ReadonlyArray<{ path: string; content: string }>): void {
  const staged: Array<{ temp: string; target: string }> = [];
  try {
    for (const f of files) {
      const target = join(root, f.path);
      mkdirSync(dirname(target), { recursive: true });
      const temp = `${target}.qraft-${process.pid}.tmp`;
      writeFileSync(temp, f.content, { mode: 0o644 });
      staged.push({ temp, target });
    }
  } catch (error) {
    for (const s of staged) rmSync(s.temp, { force: true });
    throw error;
  }
  for (const s of staged) renameSync(s.temp, s.target);
}

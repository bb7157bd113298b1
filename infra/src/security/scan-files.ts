import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { findSecretValues } from './find-secret-values';

/** Files larger than this are not read whole (rotated logs are capped at 10 MB by the stack). */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

/** Every regular file under `dir` (depth-first, sorted), skipping the directories named in `skip`. */
export function filesUnder(dir: string, skip: readonly string[] = []): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return skip.includes(entry.name) ? [] : filesUnder(path, skip);
      return entry.isFile() ? [path] : [];
    });
}

/**
 * Where any of `secrets` appears in the files under `dir` (rendered configuration, logs): `<path> <name> on line
 * N`, relative to `base`, never the value. Unreadable files are findings too: a scan that cannot read says so.
 */
export function findSecretsInFiles(dir: string, secrets: ReadonlyMap<string, string>, base = dir, skip: readonly string[] = []): string[] {
  return filesUnder(dir, skip).flatMap((path) => {
    const name = relative(base, path);
    try {
      if (statSync(path).size > MAX_FILE_BYTES) return [`${name}: larger than ${MAX_FILE_BYTES} bytes, not scanned — rotate or remove it`];
      return findSecretValues(readFileSync(path, 'utf8'), secrets).map((f) => `${name}: ${f}`);
    } catch (error) {
      return [`${name}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`];
    }
  });
}

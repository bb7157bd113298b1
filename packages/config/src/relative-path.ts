import { posix } from 'node:path';

/** A repo-relative path as seen from `fromDir` (also repo-relative), always starting with `./` or `../`. */
export function relativeTo(fromDir: string, target: string): string {
  const rel = posix.relative(posix.normalize(fromDir), posix.normalize(target)) || '.';
  return rel.startsWith('.') ? rel : `./${rel}`;
}

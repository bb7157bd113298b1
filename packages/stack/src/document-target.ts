import { dirname, resolve } from 'node:path';
import type { ComposeTarget } from './compose';

/**
 * The target of a compose call that reads `document` from stdin (`-f -`) instead of the stack's file. Compose then
 * resolves the document's relative paths (bind mounts, secrets, build context) from its working directory, so that
 * is the stack file's own directory: the same paths mean the same files, and no copy is written to disk.
 */
export function documentTarget(target: ComposeTarget, document: string): ComposeTarget {
  return {
    ...target,
    file: '-',
    overrides: (target.overrides ?? []).map((f) => resolve(target.cwd, f)),
    stdin: document,
    cwd: dirname(resolve(target.cwd, target.file)),
  };
}

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ComposeTarget } from './compose';
import type { ComposeUpCall } from './compose-up-calls';

/** Runs `fn` with the override laid over the target's files, written to a temporary directory removed afterwards. */
export async function withOverride<T>(target: ComposeTarget, override: ComposeUpCall['override'], fn: (target: ComposeTarget) => Promise<T>): Promise<T> {
  if (!override) return fn(target);
  const dir = mkdtempSync(join(tmpdir(), 'qraft-up-'));
  try {
    const file = join(dir, override.name);
    writeFileSync(file, override.content);
    return await fn({ ...target, overrides: [...(target.overrides ?? []), file] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

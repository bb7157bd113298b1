import { runCommand } from '@qraft/stack';
import { INPUTS_HASH_LABEL } from './build-image';
import type { EngineName } from './container-engine';

/**
 * Removes untagged images that this tool made: everything it builds or imports carries the
 * inputs-hash label (and images built FROM them inherit it), so the filter never touches anyone
 * else's images. Answers how many were removed.
 */
export async function pruneSupersededImages(engine: EngineName): Promise<number> {
  let removed = 0;
  // Removing a child can leave its parent dangling in turn; a few passes settle it.
  for (let pass = 0; pass < 5; pass++) {
    const list = await runCommand(engine, ['image', 'ls', '-q', '--no-trunc', '--filter', 'dangling=true', '--filter', `label=${INPUTS_HASH_LABEL}`]);
    const ids = [...new Set(list.stdout.split('\n').map((l) => l.trim()).filter(Boolean))];
    if (!list.ok || ids.length === 0) break;
    let progress = 0;
    for (const id of ids) {
      if ((await runCommand(engine, ['image', 'rm', id], 60_000)).ok) progress++;
    }
    removed += progress;
    if (progress === 0) break;
  }
  return removed;
}

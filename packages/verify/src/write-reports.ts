import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckOutcome } from './outcome';
import { toJson, toJUnit } from './reporters';

function writeAtomically(path: string, content: string): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, content);
  renameSync(temp, path);
}

/** reports/verify/<name>.xml (JUnit for CI) and <name>.json; returns the two paths. */
export function writeReports(dir: string, name: string, outcomes: readonly CheckOutcome[]): string[] {
  mkdirSync(dir, { recursive: true });
  const xml = join(dir, `${name}.xml`);
  const json = join(dir, `${name}.json`);
  writeAtomically(xml, toJUnit(outcomes, `container-test.${name}`));
  writeAtomically(json, toJson(outcomes));
  return [xml, json];
}

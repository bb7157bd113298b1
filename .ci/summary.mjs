// Sums the JUnit reports under reports/ and the exit codes of the CI steps into one closing line.
// A step that failed without a failing test case in any report (a type error, a crash) counts as one failure.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

function* xmlFiles(dir) {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* xmlFiles(path);
    else if (name.endsWith('.xml')) yield path;
  }
}

let tests = 0, failures = 0, skipped = 0;
for (const file of xmlFiles('reports')) {
  const xml = readFileSync(file, 'utf8');
  for (const m of xml.matchAll(/<testsuite\b([^>]*)>/g)) {
    const attr = (k) => Number(new RegExp(`\\b${k}="(\\d+)"`).exec(m[1])?.[1] ?? 0);
    tests += attr('tests');
    failures += attr('failures') + attr('errors');
    skipped += attr('skipped');
  }
}
const failedSteps = process.argv.slice(2).filter((s) => !s.endsWith('=0'));
const unexplained = failures === 0 ? failedSteps.length : 0;
for (const s of failedSteps) console.log(`step failed: ${s}`);
const passed = tests - failures - skipped;
console.log(`${passed} passed, ${failures + unexplained} failed, ${skipped} skipped`);
process.exit(failedSteps.length > 0 || failures > 0 ? 1 : 0);

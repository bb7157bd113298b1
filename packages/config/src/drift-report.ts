import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Drift {
  readonly path: string;
  readonly state: 'missing' | 'changed';
  /** Unified-style diff (`-` committed, `+` fresh render), with a little context. */
  readonly diff: string;
}

/** Line diff by longest common subsequence; generated files are small enough for the quadratic table. */
export function lineDiff(before: string, after: string, context = 2): string {
  const a = before.split('\n');
  const b = after.split('\n');
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const ops: Array<{ kind: ' ' | '-' | '+'; line: string; a: number; b: number }> = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) ops.push({ kind: ' ', line: a[i]!, a: i++, b: j++ });
    else if (j < b.length && (i >= a.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) ops.push({ kind: '+', line: b[j]!, a: i, b: j++ });
    else ops.push({ kind: '-', line: a[i]!, a: i++, b: j });
  }
  const keep = ops.map((op, k) => op.kind !== ' ' || ops.slice(Math.max(0, k - context), k + context + 1).some((o) => o.kind !== ' '));
  const out: string[] = [];
  ops.forEach((op, k) => {
    if (!keep[k]) return;
    if (k > 0 && !keep[k - 1]) out.push(`@@ line ${op.a + 1} @@`);
    else if (k === 0) out.push(`@@ line 1 @@`);
    out.push(`${op.kind}${op.line}`);
  });
  return out.join('\n');
}

/** Compares fresh renders with the files under `root`. Empty when everything matches. */
export function driftReport(root: string, files: ReadonlyArray<{ path: string; content: string }>): Drift[] {
  const drifts: Drift[] = [];
  for (const f of files) {
    const path = join(root, f.path);
    if (!existsSync(path)) {
      drifts.push({ path: f.path, state: 'missing', diff: '' });
      continue;
    }
    const committed = readFileSync(path, 'utf8');
    if (committed !== f.content) drifts.push({ path: f.path, state: 'changed', diff: lineDiff(committed, f.content) });
  }
  return drifts;
}

import type { CheckOutcome } from './outcome';

export interface Totals {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

export function totals(outcomes: readonly CheckOutcome[]): Totals {
  const count = (s: CheckOutcome['status']) => outcomes.filter((o) => o.status === s).length;
  return { passed: count('passed'), failed: count('failed'), skipped: count('skipped') };
}

const MARK = { passed: 'PASS', failed: 'FAIL', skipped: 'SKIP' } as const;

/** One line for a finished check, for progress output. */
export function formatOutcome(o: CheckOutcome): string {
  const seconds = (o.durationMs / 1_000).toFixed(1).padStart(5);
  return `${MARK[o.status]} ${seconds}s  ${o.group} › ${o.name}${o.detail ? ` — ${o.detail}` : ''}`;
}

/** The readable summary: every check, then skipped ones with their reasons, then the totals line. */
export function formatSummary(outcomes: readonly CheckOutcome[]): string {
  const t = totals(outcomes);
  const lines = outcomes.map(formatOutcome);
  const skipped = outcomes.filter((o) => o.status === 'skipped');
  if (skipped.length > 0) {
    lines.push('', 'Skipped (could not run here — not passed):');
    for (const o of skipped) lines.push(`  ${o.group} › ${o.name}: ${o.detail}`);
  }
  lines.push('', `${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`);
  return lines.join('\n');
}

export function toJson(outcomes: readonly CheckOutcome[]): string {
  return JSON.stringify({ totals: totals(outcomes), checks: outcomes }, null, 2);
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!)
    // XML 1.0 forbids most control characters, which container logs do contain.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

/** JUnit XML for CI: one testsuite per group; skipped checks carry their reason. */
export function toJUnit(outcomes: readonly CheckOutcome[], suiteName = 'qraft-verify'): string {
  const groups = [...new Set(outcomes.map((o) => o.group))];
  const t = totals(outcomes);
  const seconds = (ms: number) => (ms / 1_000).toFixed(3);
  const suites = groups.map((group) => {
    const members = outcomes.filter((o) => o.group === group);
    const g = totals(members);
    const cases = members.map((o) => {
      const open = `    <testcase classname="${escapeXml(`${suiteName}.${group}`)}" name="${escapeXml(o.name)}" time="${seconds(o.durationMs)}"`;
      if (o.status === 'passed') return `${open}/>`;
      const inner = o.status === 'failed'
        ? `<failure message="${escapeXml(o.detail)}"/>`
        : `<skipped message="${escapeXml(o.detail)}"/>`;
      return `${open}>\n      ${inner}\n    </testcase>`;
    });
    const time = members.reduce((s, o) => s + o.durationMs, 0);
    return `  <testsuite name="${escapeXml(group)}" tests="${members.length}" failures="${g.failed}" errors="0" skipped="${g.skipped}" time="${seconds(time)}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${escapeXml(suiteName)}" tests="${outcomes.length}" failures="${t.failed}" skipped="${t.skipped}">\n${suites.join('\n')}\n</testsuites>\n`;
}

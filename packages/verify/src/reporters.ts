import junit from 'junit-report-builder';
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

/**
 * JUnit XML for CI, written by junit-report-builder (escaping, and dropping the control characters XML 1.0
 * forbids — container logs do contain them): one testsuite per group, each with tests/failures/errors/skipped
 * counts as .ci/summary.mjs sums them; a skipped check carries its reason as the case's system-out.
 */
export function toJUnit(outcomes: readonly CheckOutcome[], suiteName = 'qraft-verify'): string {
  const report = junit.newBuilder().name(suiteName);
  const seconds = (ms: number) => Number((ms / 1_000).toFixed(3));
  for (const group of new Set(outcomes.map((o) => o.group))) {
    const members = outcomes.filter((o) => o.group === group);
    const suite = report.testSuite().name(group).time(seconds(members.reduce((sum, o) => sum + o.durationMs, 0)));
    for (const o of members) {
      const testCase = suite.testCase().className(`${suiteName}.${group}`).name(o.name).time(seconds(o.durationMs));
      if (o.status === 'failed') testCase.failure(o.detail);
      if (o.status === 'skipped') testCase.skipped().standardOutput(`skipped: ${o.detail}`);
    }
  }
  return `${report.build()}\n`;
}

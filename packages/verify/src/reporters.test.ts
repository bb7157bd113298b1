import type { CheckOutcome } from './outcome';
import { formatSummary, toJson, toJUnit } from './reporters';

const outcomes: CheckOutcome[] = [
  { group: 'startup', name: 'nats is running', status: 'passed', durationMs: 120, detail: 'running, restarts 0' },
  { group: 'communication', name: 'grafana datasources are healthy', status: 'skipped', durationMs: 0, detail: 'grafana is not in the offline image set' },
  { group: 'communication', name: 'app reaches clickhouse', status: 'failed', durationMs: 2_000, detail: 'readyz says clickhouse <down> & "refused"' },
];

describe('reporters', () => {
  it('lists skipped checks with their reasons apart from the passes, and ends with the totals line', () => {
    const summary = formatSummary(outcomes);
    expect(summary).toContain('Skipped (could not run here — not passed):');
    expect(summary).toContain('communication › grafana datasources are healthy: grafana is not in the offline image set');
    expect(summary.split('\n').at(-1)).toBe('1 passed, 1 failed, 1 skipped');
  });

  it('gives machines the same totals in JSON', () => {
    expect(JSON.parse(toJson(outcomes)).totals).toEqual({ passed: 1, failed: 1, skipped: 1 });
  });

  it('writes JUnit that CI reads: per-group counts, skipped with the reason, failures escaped, control characters dropped', () => {
    const xml = toJUnit([...outcomes, { group: 'logs', name: 'no errors logged', status: 'failed', durationMs: 5, detail: 'line with a bell \u0007 in it' }]);
    expect(xml).toMatch(/<testsuites name="qraft-verify"[^>]* tests="4" failures="2" errors="0" skipped="1"/);
    expect(xml).toMatch(/<testsuite name="communication"[^>]* tests="2" failures="1" errors="0" skipped="1"/);
    expect(xml).toMatch(/<skipped\/>\s*<system-out>\s*<!\[CDATA\[skipped: grafana is not in the offline image set\]\]>/);
    expect(xml).toContain('<failure message="readyz says clickhouse &lt;down> &amp; &quot;refused&quot;"/>');
    expect(xml).toContain('<failure message="line with a bell  in it"/>');
  });

  it('sums the way .ci/summary.mjs reads it: tests, failures + errors and skipped over every <testsuite>', () => {
    let tests = 0, failures = 0, skipped = 0;
    for (const m of toJUnit(outcomes).matchAll(/<testsuite\b([^>]*)>/g)) {
      const attr = (k: string) => Number(new RegExp(`\\b${k}="(\\d+)"`).exec(m[1]!)?.[1] ?? 0);
      tests += attr('tests');
      failures += attr('failures') + attr('errors');
      skipped += attr('skipped');
    }
    expect({ tests, failures, skipped }).toEqual({ tests: 3, failures: 1, skipped: 1 });
  });
});

import { formatLegLine, noReportJUnit, sumTotals, totalsFromVerifyJson, NO_REPORT, type LegResult } from './leg-result';

const leg = (engine: string, passed: number, failed: number, skipped: number): LegResult => ({
  id: 'nested-docker',
  engine,
  totals: { passed, failed, skipped },
  durationMs: 1_000,
  error: '',
  reports: [],
});

describe('matrix lines', () => {
  it('prints one line per engine with its versions and the three counts', () => {
    expect(formatLegLine(leg('docker 26.1.5 (docker compose 2.26.1)', 31, 0, 2))).toBe('docker 26.1.5 (docker compose 2.26.1): 31 passed, 0 failed, 2 skipped');
  });

  it("reads the totals of verify's JSON report", () => {
    const json = JSON.stringify({ totals: { passed: 30, failed: 1, skipped: 2 }, checks: [] });
    expect(totalsFromVerifyJson(json)).toEqual({ passed: 30, failed: 1, skipped: 2 });
  });

  it('treats a missing or unreadable report as no totals, which the leg counts as one failure', () => {
    expect(totalsFromVerifyJson(undefined)).toBeUndefined();
    expect(totalsFromVerifyJson('{"totals":')).toBeUndefined();
    expect(totalsFromVerifyJson('{"totals":{"passed":"3"}}')).toBeUndefined();
    expect(NO_REPORT.failed).toBe(1);
  });

  it('adds the legs up for the last line', () => {
    expect(sumTotals([leg('a', 3, 0, 1), leg('b', 2, 1, 0)])).toEqual({ passed: 5, failed: 1, skipped: 1 });
  });

  it('writes one failed JUnit case with the reason for a leg without a report, escaped', () => {
    const xml = noReportJUnit('host-podman', 'podman 4.3.1 (podman-compose 1.0.3)', 'port 8080 (app http) is already in use on 127.0.0.1 & <more>');
    expect(xml).toContain('tests="1" failures="1"');
    expect(xml).toContain('message="port 8080 (app http) is already in use on 127.0.0.1 &amp; &lt;more&gt;"');
  });
});

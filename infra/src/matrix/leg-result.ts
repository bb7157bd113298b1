export interface LegTotals {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

export interface LegResult {
  readonly id: string;
  /** e.g. `docker 26.1.5 (docker compose 2.26.1)`; `docker (version unknown)` when the engine never answered. */
  readonly engine: string;
  readonly totals: LegTotals;
  readonly durationMs: number;
  /** Why the leg produced no verify report (engine did not start, `up` failed); empty when it did. */
  readonly error: string;
  /** JUnit and JSON of this leg under reports/matrix/, relative to the workspace. */
  readonly reports: readonly string[];
}

/** `<engine> <version> (<compose tool> <version>): N passed, N failed, N skipped` — the one line per engine. */
export function formatLegLine(result: LegResult): string {
  const { passed, failed, skipped } = result.totals;
  return `${result.engine}: ${passed} passed, ${failed} failed, ${skipped} skipped`;
}

/**
 * The totals of verify's JSON report (`{ totals: { passed, failed, skipped }, checks }`). A report that
 * is missing or unreadable counts as one failure: a leg that never verified anything must not look green.
 */
export function totalsFromVerifyJson(text: string | undefined): LegTotals | undefined {
  if (text === undefined) return undefined;
  try {
    const totals = (JSON.parse(text) as { totals?: Partial<LegTotals> }).totals;
    if (!totals || ![totals.passed, totals.failed, totals.skipped].every((n) => Number.isInteger(n))) return undefined;
    return { passed: totals.passed!, failed: totals.failed!, skipped: totals.skipped! };
  } catch {
    return undefined;
  }
}

export const NO_REPORT: LegTotals = { passed: 0, failed: 1, skipped: 0 };

/** The matrix's own last line: the legs' totals added up. */
export function sumTotals(results: readonly LegResult[]): LegTotals {
  return results.reduce(
    (sum, r) => ({ passed: sum.passed + r.totals.passed, failed: sum.failed + r.totals.failed, skipped: sum.skipped + r.totals.skipped }),
    { passed: 0, failed: 0, skipped: 0 },
  );
}

const xmlEscape = (text: string): string =>
  text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

/** JUnit for a leg that produced no report of its own (engine never started, `up` failed): one failed case with the reason. */
export function noReportJUnit(legId: string, engine: string, error: string): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="matrix.${xmlEscape(legId)}" tests="1" failures="1" skipped="0">`,
    `  <testsuite name="matrix.${xmlEscape(legId)}" tests="1" failures="1" skipped="0">`,
    `    <testcase classname="matrix.${xmlEscape(legId)}" name="${xmlEscape(engine)}: the leg produced a report">`,
    `      <failure message="${xmlEscape(error)}"/>`,
    '    </testcase>',
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

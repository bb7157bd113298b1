import { formatTable } from '@qraft/cli';
import type { HealthReport } from './check';
import { formatLatency } from './format-latency';
import type { ProbeState } from './probe-result';

export interface FormatOptions {
  /** ANSI colour for the state column; pass `process.stdout.isTTY` — never colour a pipe or a file. */
  readonly color?: boolean;
}

const COLOURS: Record<ProbeState, string> = { up: '\x1b[32m', degraded: '\x1b[33m', down: '\x1b[31m' };
const RESET = '\x1b[0m';

/** A table a person reads: one row per check, then the failing checks' errors in full. */
export function formatReport(report: HealthReport, options: FormatOptions = {}): string {
  const paint = (state: ProbeState, text: string) => (options.color ? `${COLOURS[state]}${text}${RESET}` : text);
  const header = ['CHECK', 'STATE', 'LATENCY', 'DETAIL'];
  const rows = report.checks.map((c) => [
    c.required ? c.name : `${c.name} (optional)`,
    c.state,
    formatLatency(c.latencyMs),
    c.detail,
  ]);
  const painted = rows.map((r, i) => r.map((cell, column) => (column === 1 ? paint(report.checks[i]!.state, cell) : cell)));
  const out = [formatTable(painted, { head: header })];
  const errors = report.checks.filter((c) => c.error);
  if (errors.length > 0) {
    out.push('');
    for (const c of errors) out.push(`${paint(c.state, '✗')} ${c.name}: ${c.error}`);
  }
  out.push('', `${paint(report.state, report.state.toUpperCase())} — ${summary(report)}`);
  return out.join('\n');
}

function summary(report: HealthReport): string {
  const required = report.checks.filter((c) => c.required);
  const up = required.filter((c) => c.state === 'up').length;
  return `${up}/${required.length} required checks up, checked in ${formatLatency(report.durationMs)} at ${report.checkedAt}`;
}

/** The machine-readable form: stable keys, suitable as an app's `/readyz` body and for `--json`. */
export function reportToJson(report: HealthReport): string {
  return JSON.stringify(
    {
      status: report.state,
      ok: report.ok,
      checkedAt: report.checkedAt,
      durationMs: report.durationMs,
      checks: report.checks.map((c) => ({
        name: c.name,
        required: c.required,
        state: c.state,
        ok: c.ok,
        latencyMs: c.latencyMs,
        detail: c.detail,
        ...(c.error === undefined ? {} : { error: c.error }),
      })),
    },
    null,
    2,
  );
}

/** 0 only when every required check is up; 1 otherwise. (2 is the CLI's, for bad input.) */
export function exitCode(report: HealthReport): 0 | 1 {
  return report.ok ? 0 : 1;
}

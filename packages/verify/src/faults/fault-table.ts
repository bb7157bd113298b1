import type { CheckStatus } from '../outcome';
import type { EventAccounting } from './event-accounting';
import type { FaultRecovery } from './fault-context';

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)];
}

const RESULT: Record<CheckStatus, string> = { passed: 'pass', failed: 'FAIL', skipped: 'skipped' };

/**
 * The fault table as Markdown (it goes into docs/benchmarks.md as it is): the events' accounting, then one row
 * per fault with its recovery time — reported, never asserted.
 */
export function formatFaultTable(recoveries: readonly FaultRecovery[], accounting: EventAccounting | undefined): string {
  const lines: string[] = [];
  if (accounting) {
    lines.push(
      ...table(
        ['published', 'acknowledged', 'stored', 'stored without ack', 'duplicates', 'lost'],
        [[accounting.published, accounting.acknowledged, accounting.stored, accounting.storedWithoutAck, accounting.duplicates, accounting.lost].map(String)],
      ),
      '',
    );
  }
  lines.push(
    ...table(
      ['fault', 'injected by', 'recovery', 'result', 'note'],
      recoveries.map((r) => [r.fault, r.injection, r.recoveryMs === undefined ? '—' : `${(r.recoveryMs / 1_000).toFixed(1)} s`, r.result ? RESULT[r.result] : '', r.note ?? '']),
    ),
  );
  return lines.join('\n');
}

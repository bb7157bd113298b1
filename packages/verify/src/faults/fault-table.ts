import { formatTable } from '@qraft/cli';
import type { CheckStatus } from '../outcome';
import type { EventAccounting } from './event-accounting';
import type { FaultRecovery } from './fault-context';

const table = (head: readonly string[], rows: ReadonlyArray<readonly string[]>): string => formatTable(rows, { head, style: 'markdown' });

const RESULT: Record<CheckStatus, string> = { passed: 'pass', failed: 'FAIL', skipped: 'skipped' };

/**
 * The fault table as Markdown (it goes into docs/benchmarks.md as it is): the events' accounting, then one row
 * per fault with its recovery time — reported, never asserted.
 */
export function formatFaultTable(recoveries: readonly FaultRecovery[], accounting: EventAccounting | undefined): string {
  const lines: string[] = [];
  if (accounting) {
    lines.push(
      table(
        ['published', 'acknowledged', 'stored', 'stored without ack', 'duplicates', 'lost'],
        [[accounting.published, accounting.acknowledged, accounting.stored, accounting.storedWithoutAck, accounting.duplicates, accounting.lost].map(String)],
      ),
      '',
    );
  }
  lines.push(
    table(
      ['fault', 'injected by', 'recovery', 'result', 'note'],
      recoveries.map((r) => [r.fault, r.injection, r.recoveryMs === undefined ? '—' : `${(r.recoveryMs / 1_000).toFixed(1)} s`, r.result ? RESULT[r.result] : '', r.note ?? '']),
    ),
  );
  return lines.join('\n');
}

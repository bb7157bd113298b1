import { formatTable } from '@qraft/cli';
import type { CheckStatus } from '../outcome';
import { rawCopies, type CopyAccounting } from './copy-accounting';
import type { FaultRecovery } from './fault-context';

const table = (head: readonly string[], rows: ReadonlyArray<readonly string[]>): string => formatTable(rows, { head, style: 'markdown' });

const RESULT: Record<CheckStatus, string> = { passed: 'pass', failed: 'FAIL', skipped: 'skipped' };

/**
 * The fault table as Markdown (it goes into docs/benchmarks.md as it is): the events' accounting (visible, raw and
 * merged counts side by side), then one row
 * per fault with its recovery time — reported, never asserted.
 */
export function formatFaultTable(recoveries: readonly FaultRecovery[], accounting: CopyAccounting | undefined): string {
  const lines: string[] = [];
  if (accounting) {
    const { final: f, api } = accounting;
    lines.push(
      table(
        ['published', 'acknowledged', 'stored', 'stored without ack', 'lost (FINAL / API)', 'duplicates (FINAL / API)', 'raw rows', 'raw copies', 'redeliveries', 'rows after OPTIMIZE FINAL'],
        [
          [
            f.published,
            f.acknowledged,
            f.stored,
            f.storedWithoutAck,
            `${f.lost} / ${api.lost}`,
            `${f.duplicates} / ${api.duplicates}`,
            accounting.rawRows,
            rawCopies(accounting),
            accounting.redeliveries,
            accounting.mergedRows,
          ].map(String),
        ],
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

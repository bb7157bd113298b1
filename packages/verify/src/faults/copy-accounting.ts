import type { EventAccounting } from './event-accounting';

/**
 * What the fault suite found about one load, read three ways: through `FINAL` (as the app reads), through the
 * app's `GET /events`, and raw (no `FINAL`), where redelivered copies sit until ClickHouse merges them.
 */
export interface CopyAccounting {
  /** Through `SELECT … FINAL`. */
  readonly final: EventAccounting;
  /** Through the app's API (`GET /events?type=…`, every page). */
  readonly api: EventAccounting;
  /** Rows of the load's type as stored, before merging. */
  readonly rawRows: number;
  readonly distinctIds: number;
  /** Redeliveries JetStream made while the load ran, summed over the app's consumers. */
  readonly redeliveries: number;
  /** The same two figures after `OPTIMIZE TABLE … FINAL`. */
  readonly mergedRows: number;
  readonly mergedDistinctIds: number;
}

/** Raw rows beyond one per id: the copies a redelivery (or an insert retried after a lost answer) left. */
export function rawCopies(a: Pick<CopyAccounting, 'rawRows' | 'distinctIds'>): number {
  return a.rawRows - a.distinctIds;
}

/**
 * What the design promises, as failures a person can act on (empty when every promise holds): every
 * acknowledged event visible exactly once through `FINAL` and through the API; no more raw copies than
 * redeliveries (ReplacingMergeTree's copies come only from messages delivered again); one row per id once merged.
 */
export function copyProblems(a: CopyAccounting): string[] {
  const problems: string[] = [];
  const way = (name: string, e: EventAccounting) => {
    if (e.lost > 0) problems.push(`${e.lost} acknowledged events not visible through ${name} (e.g. ${e.lostIds.join(', ')})`);
    if (e.duplicates > 0) problems.push(`${e.duplicates} events seen more than once through ${name} (e.g. ${e.duplicateIds.join(', ')})`);
  };
  way('FINAL', a.final);
  way('GET /events', a.api);
  const copies = rawCopies(a);
  if (copies > a.redeliveries) {
    problems.push(`${copies} raw copies (${a.rawRows} rows for ${a.distinctIds} ids) but only ${a.redeliveries} redeliveries — rows were written twice without JetStream delivering them twice (an insert retried after ClickHouse had stored it?)`);
  }
  if (a.mergedRows !== a.mergedDistinctIds) {
    problems.push(`after OPTIMIZE TABLE … FINAL ${a.mergedRows} rows remain for ${a.mergedDistinctIds} ids — ReplacingMergeTree did not merge the copies (do they differ in the sort key type, timestamp, id?)`);
  }
  return problems;
}

/** The accounting as one line: raw, merged and visible counts side by side. */
export function formatCopyAccounting(a: CopyAccounting): string {
  const f = a.final;
  return [
    `published ${f.published}, acknowledged ${f.acknowledged}, stored ${f.stored} (${f.storedWithoutAck} without an ack)`,
    `through FINAL: lost ${f.lost}, duplicates ${f.duplicates}`,
    `through GET /events: ${a.api.stored} visible, lost ${a.api.lost}, duplicates ${a.api.duplicates}`,
    `raw: ${a.rawRows} rows for ${a.distinctIds} ids (${rawCopies(a)} copies), ${a.redeliveries} JetStream redeliveries`,
    `after OPTIMIZE … FINAL: ${a.mergedRows} rows for ${a.mergedDistinctIds} ids`,
  ].join('; ');
}

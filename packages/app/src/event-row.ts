import type { QraftEvent } from './event';
import { sqlDateTime, tsv } from './sql';

/** The columns of one TabSeparated row from eventRow, in order. */
export const EVENT_ROW_COLUMNS = ['id', 'type', 'source', 'timestamp', 'timestamp_ms', 'payload', 'ingested_at'] as const;

/**
 * One `events` row as TabSeparated text (newline included). The ingestor builds it while it decodes a message, with
 * the payload JSON the size check already produced, so an event is serialised once and an insert only joins rows.
 * `ingestedAt` is ClickHouse DateTime text (sqlDateTime), computed once per message, not per event.
 */
export function eventRow(event: QraftEvent, payloadJson: string, ingestedAt: string): string {
  const t = event.timestamp;
  const ms = Date.parse(t);
  // Validated events carry toISOString()'s form, whose first 19 characters are the DateTime text already.
  const dateTime = t.length === 24 && t[10] === 'T' && t[23] === 'Z' ? `${t.slice(0, 10)} ${t.slice(11, 19)}` : sqlDateTime(ms);
  return `${tsv(event.id)}\t${tsv(event.type)}\t${tsv(event.source)}\t${dateTime}\t${ms}\t${tsv(payloadJson)}\t${ingestedAt}\n`;
}

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

/** `text` as a TabSeparated field when the only character it may hold that needs escaping is a backslash. */
function backslashes(text: string): string {
  return text.includes('\\') ? text.replaceAll('\\', '\\\\') : text;
}

/**
 * eventRow for an event that passed validateEvent, with its time in epoch ms from there: the same text, for less
 * work. Validation leaves nothing to escape in the id and type (letters, digits and `_ . : -`) and no control
 * characters in the source, and JSON.stringify writes tabs and line breaks as escapes, so only backslashes in the
 * source and the payload JSON remain; the milliseconds are not parsed again.
 */
export function validatedEventRow(event: QraftEvent, payloadJson: string, timestampMs: number, ingestedAt: string): string {
  const t = event.timestamp;
  return `${event.id}\t${event.type}\t${backslashes(event.source)}\t${t.slice(0, 10)} ${t.slice(11, 19)}\t${timestampMs}\t${backslashes(payloadJson)}\t${ingestedAt}\n`;
}

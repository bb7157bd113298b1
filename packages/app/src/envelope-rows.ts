import { scanEnvelope, type EnvelopeLimits, type EnvelopeReject, type RejectReason } from './event';
import { validatedEventRow } from './event-row';
import { envelopeRowsFromBytes } from './envelope-rows-from-bytes';

/** One envelope as the ingestor needs it: its valid events as encoded insert rows, its invalid ones to dead-letter. */
export type EnvelopeRows =
  /** The whole message is refused (dead-lettered as it is). */
  | { readonly ok: false; readonly reason: RejectReason; readonly detail: string }
  | {
      readonly ok: true;
      /** How many rows `rows` holds (the valid events). */
      readonly count: number;
      /** The valid events as TabSeparated rows (eventRow), UTF-8 encoded; empty when every event was refused. */
      readonly rows: Uint8Array;
      /** The newest valid event's timestamp (ISO text, which sorts as time); '' when there is none. */
      readonly newest: string;
      readonly rejected: readonly EnvelopeReject[];
    };

/**
 * Decodes, validates and encodes one envelope as received from NATS: the whole of the ingestor's per-event work,
 * in one pure function so it runs the same inline or in a decode worker (envelope-decoder.ts). `ingestedAt` is
 * the `ingested_at` DateTime text for every row.
 */
export function envelopeRows(data: Uint8Array, limits: EnvelopeLimits, ingestedAt: string): EnvelopeRows {
  return envelopeRowsFromBytes(data, limits, ingestedAt) ?? generalEnvelopeRows(data, limits, ingestedAt);
}

/** envelopeRows for any envelope: JSON.parse, validateEvent and validatedEventRow, event by event. */
export function generalEnvelopeRows(data: Uint8Array, limits: EnvelopeLimits, ingestedAt: string): EnvelopeRows {
  let text = '';
  let newest = '';
  let count = 0;
  const result = scanEnvelope(data, limits, (event, payloadJson, timestampMs) => {
    text += validatedEventRow(event, payloadJson, timestampMs, ingestedAt);
    if (event.timestamp > newest) newest = event.timestamp;
    count++;
  });
  if (!result.ok) return result;
  return { ok: true, count, rows: Buffer.from(text), newest, rejected: result.rejected };
}

import { randomUUID } from 'node:crypto';

/** One event as it travels through NATS and is stored in ClickHouse. */
export interface QraftEvent {
  readonly id: string;
  readonly type: string;
  readonly source: string;
  /** ISO-8601 UTC with milliseconds. */
  readonly timestamp: string;
  readonly payload: Record<string, unknown>;
}

/** Why an event was refused; also the `reason` label of `qraft_events_rejected_total` and the dead-letter subject token. */
export type RejectReason = 'too_large' | 'invalid_json' | 'invalid_event';

export type Validation =
  /** `timestampMs`: the event's time in epoch milliseconds, as its `timestamp` says. */
  | { readonly ok: true; readonly event: QraftEvent; readonly timestampMs: number }
  | { readonly ok: false; readonly reason: RejectReason; readonly detail: string };

const ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
/** Types become NATS subject tokens (`qraft.events.<type>`), so only subject-safe characters. */
const TYPE = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+){0,7}$/;
const MIN_TIME_MS = Date.UTC(1970, 0, 2);
/** Deeper payloads overflow the stack of JSON.stringify on the way to ClickHouse (a poison message). */
export const PAYLOAD_MAX_DEPTH = 64;
/** A lone UTF-16 surrogate has no UTF-8 form: ClickHouse refuses the whole batch that holds one. */
const LONE_SURROGATE = /\p{Surrogate}/u;
/** C0, DEL and C1 controls: a source is a label that ends up in logs and dashboards. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const EVENT_FIELDS: ReadonlySet<string> = new Set(['id', 'type', 'source', 'timestamp', 'payload']);
/** ClickHouse 18.16 `DateTime` ends in 2105; keep a margin. */
const MAX_TIME_MS = Date.UTC(2100, 0, 1);
/** The times an event may carry: from `min` (included) to `max` (excluded), in epoch ms. */
export const EVENT_TIME_RANGE_MS = { min: MIN_TIME_MS, max: MAX_TIME_MS } as const;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The value of `count` decimal digits of `text` from `at`, or -1 if one of them is not a digit. */
function digits(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/**
 * The time of `text` when `toISOString()` of it would give back this very text (`YYYY-MM-DDThh:mm:ss.sssZ`, a real
 * day, year 1970 or later), so it need not be parsed nor formatted again (formatting was half of validating a typical
 * event); NaN otherwise, and the caller parses it. Read digit by digit: a regex with captures allocated per event.
 * Date.parse rolls an impossible day over (Feb 30 → Mar 2), so the day is checked against its month here.
 */
function canonicalIsoMs(text: string): number {
  if (text.length !== 24 || text[4] !== '-' || text[7] !== '-' || text[10] !== 'T' || text[13] !== ':' || text[16] !== ':' || text[19] !== '.' || text[23] !== 'Z') return NaN;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  const ms = digits(text, 20, 3);
  return utcTimeMs(year, month, day, hour, minute, second, ms);
}

/**
 * The time of these calendar fields (month from 1; -1 for a field that was not digits) when they name a real moment
 * of 1970 or later, else NaN: Date.UTC itself rolls an impossible day over (Feb 30 → Mar 2). Shared by the timestamp
 * checks on text (here) and on bytes (envelope-rows-from-bytes.ts).
 */
export function utcTimeMs(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number): number {
  // Below 1970 Date.UTC would read years 0-99 as 1900-1999; such times are refused anyway, after Date.parse.
  if (year < 1970 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || ms < 0) return NaN;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!)) return NaN;
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

/** Whether a string is a valid event type (and so a safe NATS subject token sequence). */
export function isEventType(value: string): boolean {
  return value.length <= 128 && TYPE.test(value);
}

export function eventSubject(type: string): string {
  return `qraft.events.${type}`;
}

/**
 * Checks one decoded event. With `fill`, a missing id and timestamp are assigned (the HTTP API does that for
 * callers); events read from NATS must be complete.
 */
export function validateEvent(value: unknown, options: { readonly fill?: boolean; readonly now?: () => Date } = {}): Validation {
  // Allocated only for an event with problems: this runs for every event ingested.
  let problems: string[] | undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'invalid_event', detail: 'an event must be a JSON object with id, type, source, timestamp and payload' };
  }
  const raw = value as Record<string, unknown>;
  let id = raw['id'];
  if (id === undefined && options.fill) id = randomUUID();
  if (typeof id !== 'string' || !ID.test(id)) (problems ??= []).push('id must be a string of 1-128 letters, digits, _ . : - (a UUID is fine)');
  const type = raw['type'];
  if (typeof type !== 'string' || !isEventType(type)) {
    (problems ??= []).push('type must be 1-128 characters of dot-separated tokens of letters, digits, _ and - (e.g. "order.created")');
  }
  const source = raw['source'];
  if (typeof source !== 'string' || source.length === 0 || source.length > 256) {
    (problems ??= []).push('source must be a non-empty string of at most 256 characters');
  } else if (CONTROL.test(source) || LONE_SURROGATE.test(source)) {
    (problems ??= []).push('source must be text without control characters or lone UTF-16 surrogates (escape them, or move them into payload)');
  }
  let timestamp = raw['timestamp'];
  if (timestamp === undefined && options.fill) timestamp = (options.now?.() ?? new Date()).toISOString();
  let iso = '';
  let ms = NaN;
  if (typeof timestamp !== 'string' && typeof timestamp !== 'number') {
    (problems ??= []).push('timestamp must be an ISO-8601 string (e.g. "2025-01-31T12:00:00.000Z") or epoch milliseconds');
  } else {
    const canonical = typeof timestamp === 'string' ? canonicalIsoMs(timestamp) : NaN;
    ms = typeof timestamp === 'number' ? timestamp : Number.isNaN(canonical) ? Date.parse(timestamp) : canonical;
    if (!Number.isFinite(ms) || ms < MIN_TIME_MS || ms >= MAX_TIME_MS) {
      (problems ??= []).push('timestamp must be a valid time between 1970-01-02 and 2100-01-01 (ISO-8601 or epoch milliseconds)');
    } else {
      iso = Number.isNaN(canonical) ? new Date(ms).toISOString() : (timestamp as string);
    }
  }
  const payload = raw['payload'];
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    (problems ??= []).push('payload must be a JSON object');
  } else {
    const problem = payloadProblem(payload, 'payload', 1);
    if (problem) (problems ??= []).push(problem);
  }
  let extra: string[] | undefined;
  for (const k in raw) if (!EVENT_FIELDS.has(k)) (extra ??= []).push(k);
  if (extra) (problems ??= []).push(`unknown field${extra.length > 1 ? 's' : ''} ${extra.join(', ')} (allowed: id, type, source, timestamp, payload)`);
  if (problems) return { ok: false, reason: 'invalid_event', detail: problems.join('; ') };
  return {
    ok: true,
    event: { id: id as string, type: type as string, source: source as string, timestamp: iso, payload: payload as Record<string, unknown> },
    timestampMs: ms,
  };
}

/**
 * What keeps a payload from being stored and read back byte for byte: nesting deeper than
 * PAYLOAD_MAX_DEPTH, a number JSON cannot carry (1e400 parses to Infinity and would be stored as null),
 * or a string or key holding a lone surrogate. Undefined when there is none.
 */
function payloadProblem(value: unknown, path: string, depth: number): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${path} is a number outside the range of a double; send it as a string`;
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? `${path} holds a lone UTF-16 surrogate, which is not Unicode text; send well-formed UTF-8` : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  if (depth > PAYLOAD_MAX_DEPTH) return `payload is nested deeper than ${PAYLOAD_MAX_DEPTH} levels; flatten it`;
  // Plain loops: this runs for every value of every event, and entries()/map() allocated per level.
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = payloadProblem(value[i], `${path}[${i}]`, depth + 1);
      if (problem) return problem;
    }
    return undefined;
  }
  const object = value as Record<string, unknown>;
  for (const key in object) {
    if (LONE_SURROGATE.test(key)) return `a key in ${path} holds a lone UTF-16 surrogate, which is not Unicode text; send well-formed UTF-8`;
    const child = object[key];
    // null, booleans and finite numbers need no look; skipping the call keeps the path string unbuilt.
    if (child === null || typeof child === 'boolean' || (typeof child === 'number' && Number.isFinite(child))) continue;
    const problem = payloadProblem(child, `${path}.${key}`, depth + 1);
    if (problem) return problem;
  }
  return undefined;
}

/** A decoded event with its payload serialised once and its time in epoch milliseconds, for the insert row. */
export type EventDecoding =
  | { readonly ok: true; readonly event: QraftEvent; readonly payloadJson: string; readonly timestampMs: number }
  | { readonly ok: false; readonly reason: RejectReason; readonly detail: string };

/** Decodes and validates one message body as read from NATS, enforcing the size limit first (on the bytes received). */
export function decodeEvent(data: Uint8Array, maxBytes: number): EventDecoding {
  if (data.byteLength > maxBytes) {
    return { ok: false, reason: 'too_large', detail: `event is ${data.byteLength} bytes; the limit is ${maxBytes} (QRAFT_EVENT_MAX_BYTES)` };
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8'));
  } catch (error) {
    return { ok: false, reason: 'invalid_json', detail: `body is not JSON: ${(error as Error).message}` };
  }
  const result = validateEvent(value);
  return result.ok ? { ok: true, event: result.event, payloadJson: JSON.stringify(result.event.payload), timestampMs: result.timestampMs } : result;
}

/** Subjects of batch envelopes: a JSON array of events per NATS message. */
export const ENVELOPE_SUBJECT_PREFIX = 'qraft.batch.';

export function isEnvelopeSubject(subject: string): boolean {
  return subject.startsWith(ENVELOPE_SUBJECT_PREFIX);
}

export interface EnvelopeLimits {
  /** QRAFT_ENVELOPE_MAX_EVENTS */
  readonly maxEvents: number;
  /** QRAFT_ENVELOPE_MAX_BYTES */
  readonly maxBytes: number;
  /** QRAFT_EVENT_MAX_BYTES: each event in the envelope, serialised on its own. */
  readonly eventMaxBytes: number;
}

/** One event of an envelope that is refused on its own; `body` is the element serialised as JSON. */
export interface EnvelopeReject {
  readonly index: number;
  readonly reason: RejectReason;
  readonly detail: string;
  readonly body: string;
}

export type EnvelopeDecoding =
  /** The whole message is refused (dead-lettered as it is). */
  | { readonly ok: false; readonly reason: RejectReason; readonly detail: string }
  | {
      readonly ok: true;
      readonly count: number;
      readonly events: readonly QraftEvent[];
      /** JSON.stringify of each valid event's payload, in the order of `events` (for the insert row). */
      readonly payloadJson: readonly string[];
      readonly rejected: readonly EnvelopeReject[];
    };

/**
 * Decodes a batch envelope as read from NATS (`qraft.batch.<anything>`): a JSON array of 1 to `maxEvents` complete
 * events, at most `maxBytes` in all. Each element is validated on its own, exactly as a single-event message is
 * (plus the per-event size limit on its serialised form); the valid ones are returned, the others are listed
 * for dead-lettering one by one.
 */
export function decodeEnvelope(data: Uint8Array, limits: EnvelopeLimits): EnvelopeDecoding {
  const events: QraftEvent[] = [];
  const payloadJson: string[] = [];
  const result = scanEnvelope(data, limits, (event, payload) => {
    events.push(event);
    payloadJson.push(payload);
  });
  return result.ok ? { ok: true, count: result.count, events, payloadJson, rejected: result.rejected } : result;
}

/** What scanEnvelope hands over for each valid event: the event, its payload's JSON and its time in epoch ms. */
export type EnvelopeEventVisitor = (event: QraftEvent, payloadJson: string, timestampMs: number) => void;

/**
 * decodeEnvelope without collecting: each valid event goes to `visit` in order as it is validated, so a caller that
 * turns it straight into something else (envelopeRows: an insert row) allocates no arrays of events.
 */
export function scanEnvelope(
  data: Uint8Array,
  limits: EnvelopeLimits,
  visit: EnvelopeEventVisitor,
): { readonly ok: false; readonly reason: RejectReason; readonly detail: string } | { readonly ok: true; readonly count: number; readonly rejected: readonly EnvelopeReject[] } {
  if (data.byteLength > limits.maxBytes) {
    return { ok: false, reason: 'too_large', detail: `envelope is ${data.byteLength} bytes; the limit is ${limits.maxBytes} (QRAFT_ENVELOPE_MAX_BYTES)` };
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8'));
  } catch (error) {
    return { ok: false, reason: 'invalid_json', detail: `body is not JSON: ${(error as Error).message}` };
  }
  if (!Array.isArray(value)) {
    return { ok: false, reason: 'invalid_event', detail: 'an envelope (qraft.batch.>) must be a JSON array of events; publish a single event on qraft.events.<type>' };
  }
  if (value.length === 0) return { ok: false, reason: 'invalid_event', detail: 'the envelope is an empty array; it must hold at least one event' };
  if (value.length > limits.maxEvents) {
    return { ok: false, reason: 'too_large', detail: `envelope holds ${value.length} events; the limit is ${limits.maxEvents} (QRAFT_ENVELOPE_MAX_EVENTS) — split it` };
  }
  const rejected: EnvelopeReject[] = [];
  // No element can be larger than the whole envelope: below the per-event limit, sizing each one is skipped.
  const sizeEach = data.byteLength > limits.eventMaxBytes;
  for (let index = 0; index < value.length; index++) {
    const item: unknown = value[index];
    const result = validateEvent(item);
    if (!result.ok) {
      rejected.push({ index, reason: result.reason, detail: result.detail, body: JSON.stringify(item) ?? 'null' });
      continue;
    }
    // Serialised once: the size check reads it and the insert row carries it.
    const payload = JSON.stringify(result.event.payload);
    if (sizeEach) {
      const bytes = serialisedBytes(item as Record<string, unknown>, payload, limits.eventMaxBytes);
      if (bytes > limits.eventMaxBytes) {
        rejected.push({ index, reason: 'too_large', detail: `event is ${bytes} bytes; the limit is ${limits.eventMaxBytes} (QRAFT_EVENT_MAX_BYTES)`, body: JSON.stringify(item) });
        continue;
      }
    }
    visit(result.event, payload, result.timestampMs);
  }
  return { ok: true, count: value.length, rejected };
}

/**
 * UTF-8 bytes of `JSON.stringify(item)` for a valid event as received, computed from its payload's JSON (already
 * made) rather than serialising the whole event again. Below the limit by a safe margin (UTF-8 needs at most 3
 * bytes per UTF-16 unit; escapes at most 6 units per character) it returns an upper bound instead of the exact size.
 */
export function serialisedBytes(item: Record<string, unknown>, payloadJson: string, limit: number): number {
  const { id, type, source, timestamp } = item as { id: string; type: string; source: string; timestamp: string | number };
  const timestampUnits = typeof timestamp === 'number' ? 24 : 6 * timestamp.length + 2;
  // Braces, four commas, five quoted keys with their colons: 49; the id and type are plain ASCII.
  const bound = 49 + id.length + 2 + type.length + 2 + 3 * (6 * source.length + 2 + timestampUnits + payloadJson.length);
  if (bound <= limit) return bound;
  return 49 + id.length + 2 + type.length + 2 + Buffer.byteLength(JSON.stringify(source)) + Buffer.byteLength(JSON.stringify(timestamp)) + Buffer.byteLength(payloadJson);
}

/** Where an envelope's events are published: one subject for every envelope of a producer is fine. */
export function envelopeSubject(producer: string): string {
  return `${ENVELOPE_SUBJECT_PREFIX}${producer}`;
}

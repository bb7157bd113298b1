import { isUtf8 } from 'node:buffer';
import { EVENT_TIME_RANGE_MS, PAYLOAD_MAX_DEPTH, utcTimeMs, type EnvelopeLimits } from './event';

/** The rows of an envelope that took the byte path: every event valid, none to dead-letter. */
export interface EnvelopeRowsFromBytes {
  readonly ok: true;
  readonly count: number;
  readonly rows: Uint8Array;
  readonly newest: string;
  readonly rejected: readonly [];
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const TAB = 0x09;
const NEWLINE = 0x0a;
const SPACE = 0x20;
const DOT = 0x2e;
const DASH = 0x2d;
const UNDERSCORE = 0x5f;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

/** The keys of an event, as indexes of its value spans (start and end of each, where the value's text lies). */
const ID = 0;
const TYPE = 1;
const SOURCE = 2;
const TIMESTAMP = 3;
const PAYLOAD = 4;
/** The mask of keys seen (bit 1 << key) when all five were. */
const ALL_KEYS = 0b11111;

/** Key spans of the payload objects being scanned (start, end), a stack shared by their nesting levels. */
const keyStack = new Int32Array(8_192);
/** Keys one payload object may have on this path; more go the general way (finding a duplicate is quadratic here). */
const MAX_KEYS_PER_OBJECT = 64;

function isSpace(b: number): boolean {
  return b === SPACE || b === NEWLINE || b === TAB || b === 0x0d;
}

function isDigit(b: number): boolean {
  return b >= DIGIT_0 && b <= DIGIT_9;
}

function isAlnum(b: number): boolean {
  return isDigit(b) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
}

function skipSpace(d: Uint8Array, p: number): number {
  while (p < d.length && isSpace(d[p]!)) p++;
  return p;
}

/**
 * The end (after the closing quote) of the string that opens at `p`, or -1 if it holds an escape or a control
 * character below 0x20. In an envelope that is valid UTF-8 (checked first) such a string is its own JSON.stringify
 * and its own TabSeparated field: JSON.stringify escapes only quotes, backslashes, those controls and lone
 * surrogates, which valid UTF-8 cannot hold.
 */
function stringEnd(d: Uint8Array, p: number): number {
  for (let i = p + 1; i < d.length; i++) {
    const b = d[i]!;
    if (b === QUOTE) return i + 1;
    if (b === BACKSLASH || b < SPACE) return -1;
  }
  return -1;
}

/**
 * validateEvent's source rule on the UTF-8 bytes of a string without escapes: 1-256 UTF-16 units (what `length`
 * counts: one per character, two for one beyond U+FFFF, which UTF-8 writes in four bytes) and no control character
 * (DEL 0x7f, or C1 U+0080-U+009F, written 0xC2 0x80-0x9F; those below 0x20 stringEnd refused).
 */
function validSource(d: Uint8Array, start: number, end: number): boolean {
  let units = 0;
  for (let i = start; i < end; i++) {
    const b = d[i]!;
    if (b === 0x7f || (b === 0xc2 && d[i + 1]! <= 0x9f)) return false;
    if ((b & 0xc0) !== 0x80) units += b >= 0xf0 ? 2 : 1;
  }
  return units >= 1 && units <= 256;
}

/** Whether the bytes from `start` to `end` are a number as JSON.stringify writes it (so also valid JSON). */
function canonicalNumber(d: Uint8Array, start: number, end: number): boolean {
  let i = start;
  if (d[i] === DASH) i++;
  // The common case, a plain integer of up to 15 digits, is checked without building a string.
  if (end - i >= 1 && end - i <= 15 && (d[i] !== DIGIT_0 || end - i === 1)) {
    let plain = true;
    for (let j = i; j < end; j++) if (!isDigit(d[j]!)) plain = false;
    if (plain) return !(d[start] === DASH && end - i === 1 && d[i] === DIGIT_0);
  }
  // No double's shortest form is longer (and a long token would overflow fromCharCode's arguments).
  if (end - start > 32) return false;
  const text = String.fromCharCode(...d.subarray(start, end));
  return String(Number(text)) === text;
}

/**
 * The end of the payload value that starts at `p`, or -1 unless JSON.stringify(JSON.parse(it)) would give back
 * exactly these bytes and validateEvent would take it: no whitespace, strings and keys without escapes, numbers in their
 * shortest form, no key twice in an object and no key that is an array index (V8 would move it first), objects and
 * arrays nested at most PAYLOAD_MAX_DEPTH deep.
 */
function valueEnd(d: Uint8Array, p: number, depth: number, keys: number): number {
  const b = d[p];
  if (b === QUOTE) return stringEnd(d, p);
  if (b === OPEN_BRACE) return objectEnd(d, p, depth, keys);
  if (b === OPEN_BRACKET) return arrayEnd(d, p, depth, keys);
  if (b === 0x74) return literalEnd(d, p, 'true');
  if (b === 0x66) return literalEnd(d, p, 'false');
  if (b === 0x6e) return literalEnd(d, p, 'null');
  if (b === DASH || (b !== undefined && isDigit(b))) {
    let end = p + 1;
    while (end < d.length) {
      const c = d[end]!;
      if (isDigit(c) || c === DOT || c === DASH || c === 0x2b || c === 0x65 || c === 0x45) end++;
      else break;
    }
    return canonicalNumber(d, p, end) ? end : -1;
  }
  return -1;
}

function literalEnd(d: Uint8Array, p: number, word: string): number {
  for (let i = 0; i < word.length; i++) if (d[p + i] !== word.charCodeAt(i)) return -1;
  return p + word.length;
}

function arrayEnd(d: Uint8Array, p: number, depth: number, keys: number): number {
  if (depth > PAYLOAD_MAX_DEPTH) return -1;
  p++;
  if (d[p] === CLOSE_BRACKET) return p + 1;
  for (;;) {
    p = valueEnd(d, p, depth + 1, keys);
    if (p < 0) return -1;
    if (d[p] === COMMA) p++;
    else return d[p] === CLOSE_BRACKET ? p + 1 : -1;
  }
}

/** `keys`: where this object's keys begin on keyStack (each key takes two entries: start and end). */
function objectEnd(d: Uint8Array, p: number, depth: number, keys: number): number {
  if (depth > PAYLOAD_MAX_DEPTH) return -1;
  p++;
  if (d[p] === CLOSE_BRACE) return p + 1;
  let top = keys;
  for (;;) {
    if (d[p] !== QUOTE) return -1;
    const keyEnd = stringEnd(d, p);
    if (keyEnd < 0 || top + 2 > keyStack.length || top - keys >= 2 * MAX_KEYS_PER_OBJECT) return -1;
    const start = p + 1;
    const end = keyEnd - 1;
    let index = end > start;
    for (let i = start; i < end && index; i++) index = isDigit(d[i]!);
    if (index) return -1;
    for (let k = keys; k < top; k += 2) {
      const kStart = keyStack[k]!;
      if (keyStack[k + 1]! - kStart !== end - start) continue;
      let same = true;
      for (let i = 0; i < end - start && same; i++) same = d[kStart + i] === d[start + i];
      if (same) return -1;
    }
    keyStack[top] = start;
    keyStack[top + 1] = end;
    top += 2;
    if (d[keyEnd] !== COLON) return -1;
    p = valueEnd(d, keyEnd + 1, depth + 1, top);
    if (p < 0) return -1;
    if (d[p] === COMMA) p++;
    else return d[p] === CLOSE_BRACE ? p + 1 : -1;
  }
}

/** Which event key the string from `start` to `end` is, or -1. */
function eventKey(d: Uint8Array, start: number, end: number): number {
  switch (end - start) {
    case 2:
      return literalEnd(d, start, 'id') === end ? ID : -1;
    case 4:
      return literalEnd(d, start, 'type') === end ? TYPE : -1;
    case 6:
      return literalEnd(d, start, 'source') === end ? SOURCE : -1;
    case 7:
      return literalEnd(d, start, 'payload') === end ? PAYLOAD : -1;
    case 9:
      return literalEnd(d, start, 'timestamp') === end ? TIMESTAMP : -1;
    default:
      return -1;
  }
}

/** validateEvent's id rule on bytes: 1-128 of letters, digits, `_ . : -`, starting with a letter or digit. */
function validId(d: Uint8Array, start: number, end: number): boolean {
  if (end - start < 1 || end - start > 128 || !isAlnum(d[start]!)) return false;
  for (let i = start + 1; i < end; i++) {
    const b = d[i]!;
    if (!isAlnum(b) && b !== UNDERSCORE && b !== DOT && b !== COLON && b !== DASH) return false;
  }
  return true;
}

/** isEventType on bytes: at most 128 characters, 1-8 dot-separated tokens of letters, digits, `_` and `-`. */
function validType(d: Uint8Array, start: number, end: number): boolean {
  if (end - start < 1 || end - start > 128) return false;
  let tokens = 1;
  let tokenLength = 0;
  for (let i = start; i < end; i++) {
    const b = d[i]!;
    if (b === DOT) {
      if (tokenLength === 0 || ++tokens > 8) return false;
      tokenLength = 0;
    } else if (isAlnum(b) || b === UNDERSCORE || b === DASH) tokenLength++;
    else return false;
  }
  return tokenLength > 0;
}

function digitsAt(d: Uint8Array, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const digit = d[i]! - DIGIT_0;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** The time of a `YYYY-MM-DDThh:mm:ss.sssZ` timestamp that validateEvent takes as it is, or NaN. */
function timestampMs(d: Uint8Array, start: number, end: number): number {
  if (end - start !== 24 || d[start + 4] !== DASH || d[start + 7] !== DASH || d[start + 10] !== 0x54 || d[start + 13] !== COLON) return NaN;
  if (d[start + 16] !== COLON || d[start + 19] !== DOT || d[start + 23] !== 0x5a) return NaN;
  const time = utcTimeMs(
    digitsAt(d, start, 4),
    digitsAt(d, start + 5, 2),
    digitsAt(d, start + 8, 2),
    digitsAt(d, start + 11, 2),
    digitsAt(d, start + 14, 2),
    digitsAt(d, start + 17, 2),
    digitsAt(d, start + 20, 3),
  );
  return time >= EVENT_TIME_RANGE_MS.min && time < EVENT_TIME_RANGE_MS.max ? time : NaN;
}

/**
 * envelopeRows for the envelope almost every producer sends — valid UTF-8, every event valid and its payload as
 * JSON.stringify writes it — read straight from the bytes: no JSON.parse, no strings, no serialising the payload
 * again; the rows are copied from the message. The same rows as the general path, byte for byte
 * (envelope-rows-from-bytes.test.ts compares them on generated envelopes). Undefined for anything else (invalid
 * UTF-8, an escape, whitespace inside a payload, a number not in its shortest form, an invalid event, a limit
 * reached …): the caller then takes the general path, which also words every refusal.
 */
export function envelopeRowsFromBytes(d: Uint8Array, limits: EnvelopeLimits, ingestedAt: string): EnvelopeRowsFromBytes | undefined {
  // Invalid UTF-8 would be decoded with replacement characters by the general path: its rows differ from the bytes.
  if (d.byteLength > limits.maxBytes || !isUtf8(d)) return undefined;
  const sizeEach = d.byteLength > limits.eventMaxBytes;
  // Every row's fields come from the message except the tabs, the line end, the milliseconds and ingested_at; an
  // event on this path takes more than 64 bytes (its keys and punctuation alone take 49, its timestamp 26).
  const maxRows = Math.min(limits.maxEvents, Math.ceil(d.byteLength / 64));
  const out = Buffer.allocUnsafe(d.byteLength + maxRows * (ingestedAt.length + 24));
  const ingestedAtBytes = Buffer.from(ingestedAt, 'latin1');
  let o = 0;
  const spans = new Int32Array(10);
  // Where the newest timestamp lies, and its time: on this path a timestamp's text sorts as its time does.
  let newest = -1;
  let newestMs = -1;
  let count = 0;
  let p = skipSpace(d, 0);
  if (d[p] !== OPEN_BRACKET) return undefined;
  p = skipSpace(d, p + 1);
  for (;;) {
    if (d[p] !== OPEN_BRACE || ++count > maxRows) return undefined;
    const eventStart = p;
    let seen = 0;
    p = skipSpace(d, p + 1);
    for (;;) {
      if (d[p] !== QUOTE) return undefined;
      const keyEnd = stringEnd(d, p);
      if (keyEnd < 0) return undefined;
      const key = eventKey(d, p + 1, keyEnd - 1);
      // A key given twice: the last one counts, as with JSON.parse.
      if (key < 0) return undefined;
      seen |= 1 << key;
      p = skipSpace(d, keyEnd);
      if (d[p] !== COLON) return undefined;
      p = skipSpace(d, p + 1);
      const valueStart = p;
      p = key === PAYLOAD ? (d[p] === OPEN_BRACE ? objectEnd(d, p, 1, 0) : -1) : d[p] === QUOTE ? stringEnd(d, p) : -1;
      if (p < 0) return undefined;
      // The payload's span is its JSON; the strings' are their text, without the quotes.
      spans[2 * key] = key === PAYLOAD ? valueStart : valueStart + 1;
      spans[2 * key + 1] = key === PAYLOAD ? p : p - 1;
      p = skipSpace(d, p);
      if (d[p] === COMMA) p = skipSpace(d, p + 1);
      else if (d[p] === CLOSE_BRACE) break;
      else return undefined;
    }
    const idStart = spans[0]!, idEnd = spans[1]!, typeStart = spans[2]!, typeEnd = spans[3]!, sourceStart = spans[4]!, sourceEnd = spans[5]!;
    const timeStart = spans[6]!, timeEnd = spans[7]!, payloadStart = spans[8]!, payloadEnd = spans[9]!;
    p++;
    // What JSON.stringify makes of this event is at most its bytes here (they differ only by whitespace).
    if (seen !== ALL_KEYS || (sizeEach && p - eventStart > limits.eventMaxBytes)) return undefined;
    if (!validId(d, idStart, idEnd) || !validType(d, typeStart, typeEnd)) return undefined;
    if (!validSource(d, sourceStart, sourceEnd)) return undefined;
    const ms = timestampMs(d, timeStart, timeEnd);
    if (Number.isNaN(ms)) return undefined;
    if (ms > newestMs) {
      newest = timeStart;
      newestMs = ms;
    }
    // validatedEventRow: id, type, source, date and time, milliseconds, payload, ingested_at.
    o = copyInto(out, o, d, idStart, idEnd);
    out[o++] = TAB;
    o = copyInto(out, o, d, typeStart, typeEnd);
    out[o++] = TAB;
    o = copyInto(out, o, d, sourceStart, sourceEnd);
    out[o++] = TAB;
    o = copyInto(out, o, d, timeStart, timeStart + 10);
    out[o++] = SPACE;
    o = copyInto(out, o, d, timeStart + 11, timeStart + 19);
    out[o++] = TAB;
    o = writeInteger(out, o, ms);
    out[o++] = TAB;
    o = copyInto(out, o, d, payloadStart, payloadEnd);
    out[o++] = TAB;
    for (let i = 0; i < ingestedAtBytes.length; i++) out[o++] = ingestedAtBytes[i]!;
    out[o++] = NEWLINE;
    p = skipSpace(d, p);
    if (d[p] === COMMA) p = skipSpace(d, p + 1);
    else if (d[p] === CLOSE_BRACKET) break;
    else return undefined;
  }
  if (skipSpace(d, p + 1) !== d.length) return undefined;
  return { ok: true, count, rows: out.subarray(0, o), newest: Buffer.from(d.buffer, d.byteOffset + newest, 24).toString('latin1'), rejected: [] };
}

/** Writes a non-negative integer's decimal digits into `out` at `o` (String() would allocate one per row). */
function writeInteger(out: Uint8Array, o: number, value: number): number {
  let digits = 1;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  for (let i = digits - 1, rest = value; i >= 0; i--, rest = Math.floor(rest / 10)) out[o + i] = DIGIT_0 + (rest % 10);
  return o + digits;
}

/** Copies `d` from `start` to `end` into `out` at `o`; answers where `out` continues. (A loop: the spans are short.) */
function copyInto(out: Uint8Array, o: number, d: Uint8Array, start: number, end: number): number {
  for (let i = start; i < end; i++) out[o++] = d[i]!;
  return o;
}

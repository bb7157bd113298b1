import { decodeEnvelope, decodeEvent, serialisedBytes, validateEvent } from './event';
import { eventRow, validatedEventRow } from './event-row';
import { envelopeChunks } from './http-server';
import { envelopeMsgId } from './nats-bus';

const good = { id: 'e-1', type: 'order.created', source: 'shop', timestamp: '2025-01-31T12:00:00.000Z', payload: { total: 3 } };
const bytes = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

describe('event validation', () => {
  it('accepts a complete event and normalises its timestamp', () => {
    const result = decodeEvent(bytes({ ...good, timestamp: Date.parse(good.timestamp) }), 1_000);
    expect(result).toEqual({ ok: true, event: good, payloadJson: '{"total":3}', timestampMs: Date.parse(good.timestamp) });
  });

  it('normalises every timestamp text exactly as toISOString does, impossible days and hours included', () => {
    const texts = [
      '2025-01-31T12:00:00.000Z', '2024-02-29T23:59:59.999Z', '2025-02-29T00:00:00.000Z', '2025-02-30T00:00:00.000Z', '2025-04-31T10:00:00.000Z',
      '2000-02-29T00:00:00.000Z', '2096-02-29T00:00:00.000Z', '2025-02-28T24:00:00.000Z', '2025-12-31T23:59:59.000Z', '2025-06-01T12:00:00Z',
      '2025-06-01T12:00:00.000+02:00', '2025-06-01 12:00:00.000Z', '2025-06-01', 'Sun, 01 Jun 2025 12:00:00 GMT',
    ];
    for (const timestamp of texts) {
      const result = validateEvent({ ...good, timestamp });
      const ms = Date.parse(timestamp);
      if (!Number.isFinite(ms)) expect(result.ok).toBe(false);
      else expect(result.ok && [result.event.timestamp, result.timestampMs]).toEqual([new Date(ms).toISOString(), ms]);
    }
  });

  it('names every bad field of an event', () => {
    const result = validateEvent({ id: '', type: 'a b', source: 3, timestamp: 'yesterday', payload: [], extra: 1 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe('invalid_event');
    for (const field of ['id', 'type', 'source', 'timestamp', 'payload', 'extra']) expect(result.detail).toContain(field);
  });

  it('refuses bodies that are too large or not JSON, with distinct reasons', () => {
    expect(decodeEvent(bytes(good), 10)).toMatchObject({ ok: false, reason: 'too_large' });
    expect(decodeEvent(bytes('{nope'), 1_000)).toMatchObject({ ok: false, reason: 'invalid_json' });
  });

  it('fills a missing id and timestamp only when asked to', () => {
    const { id: _id, timestamp: _ts, ...partial } = good;
    expect(validateEvent(partial).ok).toBe(false);
    const filled = validateEvent(partial, { fill: true });
    expect(filled.ok && filled.event.id.length > 0 && filled.event.timestamp.length > 0).toBe(true);
  });

  it.each([
    ['a lone surrogate in source', { source: 'shop\ud800' }, /source must be text without control characters or lone UTF-16 surrogates/],
    ['a control character in source', { source: 'shop\u0000\u001b[31m' }, /source must be text without control characters/],
    ['a lone surrogate in a payload string', { payload: { note: 'x\udc00' } }, /payload.note holds a lone UTF-16 surrogate/],
    ['a lone surrogate in a payload key', { payload: { '\ud800': 1 } }, /a key in payload holds a lone UTF-16 surrogate/],
    ['a number JSON cannot carry', { payload: { n: JSON.parse('1e400') as number } }, /payload.n is a number outside the range of a double/],
    ['nesting deeper than 64 levels', { payload: JSON.parse(`${'{"a":'.repeat(200)}1${'}'.repeat(200)}`) as object }, /payload is nested deeper than 64 levels/],
  ])('refuses %s, which could not be stored and read back verbatim', (_name, change, message) => {
    const result = validateEvent({ ...good, ...change });
    expect(result).toMatchObject({ ok: false, reason: 'invalid_event', detail: expect.stringMatching(message) });
  });

  it('accepts emoji, right-to-left text, combining characters and SQL-looking strings anywhere text is free', () => {
    const text = "👩🏽‍💻 שלום e\u0301 '; DROP TABLE qraft.events; --";
    expect(validateEvent({ ...good, source: text, payload: { [text]: text, nested: [{ deep: text }] } }).ok).toBe(true);
  });
});

describe('batch envelopes', () => {
  const limits = { maxEvents: 3, maxBytes: 2_000, eventMaxBytes: 300 };

  it('returns the valid events and lists each invalid one with its index, reason and body', () => {
    const result = decodeEnvelope(bytes([good, { ...good, id: '' }, { ...good, id: 'e-2', payload: { blob: 'x'.repeat(400) } }]), limits);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.count).toBe(3);
    expect(result.events).toEqual([good]);
    expect(result.rejected.map((r) => [r.index, r.reason])).toEqual([[1, 'invalid_event'], [2, 'too_large']]);
    expect(JSON.parse(result.rejected[0]!.body)).toEqual({ ...good, id: '' });
  });

  it('refuses the whole message when it is not a non-empty JSON array within the limits', () => {
    const whole = (data: Uint8Array) => {
      const r = decodeEnvelope(data, limits);
      return r.ok ? 'ok' : r.reason;
    };
    expect(whole(bytes('[{'))).toBe('invalid_json');
    expect(whole(bytes(good))).toBe('invalid_event');
    expect(whole(bytes([]))).toBe('invalid_event');
    expect(whole(bytes([good, good, good, good]))).toBe('too_large');
    expect(whole(bytes([{ ...good, payload: { blob: 'x'.repeat(2_000) } }]))).toBe('too_large');
  });

  it('sizes an event of an envelope exactly as JSON.stringify would, without serialising it whole', () => {
    const items = [
      good,
      { payload: { 'é': 'ünïcödé 🚀', n: 1e21, q: '"\\\n' }, timestamp: 1_738_324_800_000.5, source: 'shop "north"\t', type: 'a.b', id: 'x:1' },
      { ...good, source: 'ß'.repeat(200), payload: { deep: [[{ a: null, b: true }]], s: '\u2028' } },
    ];
    for (const item of items) {
      const payloadJson = JSON.stringify(item.payload);
      const exact = Buffer.byteLength(JSON.stringify(item));
      expect(serialisedBytes(item, payloadJson, 0)).toBe(exact);
      // Below the limit it may answer with a bound, never with less than the size.
      expect(serialisedBytes(item, payloadJson, 1_000_000)).toBeGreaterThanOrEqual(exact);
    }
  });

  it('refuses an event of an envelope over the per-event limit however its size is reached', () => {
    // 300 bytes serialised: the bound (3 bytes per character) is over the limit, so the exact size decides.
    const payload = { blob: 'x'.repeat(300 - 112) };
    const exact = Buffer.byteLength(JSON.stringify({ ...good, payload }));
    const at = decodeEnvelope(bytes([{ ...good, payload }, good]), { ...limits, eventMaxBytes: exact });
    const below = decodeEnvelope(bytes([{ ...good, payload }, good]), { ...limits, eventMaxBytes: exact - 1 });
    expect(at.ok && at.events.length).toBe(2);
    expect(below.ok && below.rejected.map((r) => r.reason)).toEqual(['too_large']);
  });

  it('builds the insert row from the payload JSON, escaping what TabSeparated needs', () => {
    const event = { ...good, source: 'tab\there', payload: { text: 'line\nbreak \\ slash' } };
    const row = eventRow(event, JSON.stringify(event.payload), '2025-01-31 12:00:01');
    expect(row).toBe(`e-1\torder.created\ttab\\there\t2025-01-31 12:00:00\t1738324800000\t{"text":"line\\\\nbreak \\\\\\\\ slash"}\t2025-01-31 12:00:01\n`);
  });

  it('builds the same row for a validated event without escaping what validation already ruled out', () => {
    const items = [good, { ...good, id: 'a.b:c_d-e', source: 'back\\slash', payload: { text: 'tab\tline\nbreak \\ "quoted" é 😀', n: [1.5, null] } }];
    for (const item of items) {
      const result = decodeEvent(bytes(item), 1_000);
      if (!result.ok) throw new Error(result.detail);
      expect(validatedEventRow(result.event, result.payloadJson, result.timestampMs, '2025-01-31 12:00:01')).toBe(eventRow(result.event, result.payloadJson, '2025-01-31 12:00:01'));
    }
  });

  it('names an envelope by its sorted ids and splits an array into envelopes within the limits', () => {
    const a = { ...good, id: 'a' };
    const b = { ...good, id: 'b' };
    expect(envelopeMsgId([a, b])).toBe(envelopeMsgId([b, a]));
    expect(envelopeMsgId([a, b])).not.toBe(envelopeMsgId([a]));
    expect(envelopeChunks(['12', '34', '56', '78', '90'], 2, 100)).toEqual([{ start: 0, count: 2 }, { start: 2, count: 2 }, { start: 4, count: 1 }]);
    // [12,34] is 7 bytes: a limit of 7 holds two, 6 holds one.
    expect(envelopeChunks(['12', '34'], 10, 7)).toEqual([{ start: 0, count: 2 }]);
    expect(envelopeChunks(['12', '34'], 10, 6)).toEqual([{ start: 0, count: 1 }, { start: 1, count: 1 }]);
  });
});

import fc from 'fast-check';
import { envelopeRowsFromBytes } from './envelope-rows-from-bytes';
import { envelopeRows, generalEnvelopeRows, type EnvelopeRows } from './envelope-rows';
import type { EnvelopeLimits } from './event';

const limits: EnvelopeLimits = { maxEvents: 1000, maxBytes: 1_048_576, eventMaxBytes: 65_536 };
const at = '2026-11-30 12:00:00';

/**
 * A result with its rows as one character per byte (latin1: every byte kept as it is, where UTF-8 decoding would
 * hide invalid bytes behind replacement characters), so that two results compare with toEqual.
 */
function comparable(result: EnvelopeRows): unknown {
  return result.ok ? { ...result, rows: Buffer.from(result.rows).toString('latin1') } : result;
}

const event = (i: number, payload = `{"n":${i},"note":"a typical small event"}`) =>
  `{"id":"e-${i}","type":"order.created","source":"shop","timestamp":"2026-11-30T10:00:0${i % 10}.${String(i).padStart(3, '0')}Z","payload":${payload}}`;
const envelope = (...events: string[]) => Buffer.from(`[${events.join(',')}]`);

/** Mostly the usual, sometimes one of the others: each hazard alone, in an otherwise valid envelope, is what tests the byte path. */
const mostly = (usual: fc.Arbitrary<string>, ...others: Array<fc.Arbitrary<string>>) =>
  fc.oneof({ weight: 8, arbitrary: usual }, ...others.map((arbitrary) => ({ weight: 1, arbitrary })));

/** Spaces JSON allows between tokens, as some producers indent. */
const space = mostly(fc.constant(''), fc.constantFrom(' ', '\n', '\t', '\r\n  '));

/** Texts of JSON numbers: in their shortest form, in others (1.0, -0, 1e2, …) and some that are no JSON at all. */
const numberText = mostly(
  fc.oneof(fc.integer().map(String), fc.double({ noNaN: true, noDefaultInfinity: true }).map(String)),
  fc.constantFrom('1.0', '-0', '1e2', '1E2', '1e+21', '1e21', '0.10', '01', '-', '1e400', '123456789012345678', '5e-324', '1.5e-7', '.5', '5.', '+1'),
);

/** Texts of JSON strings: plain printable ASCII mostly; any text (Unicode, DEL and C1 controls); any code points (so lone surrogates, escaped); escapes and raw controls written by hand. */
const stringText = mostly(
  fc.stringMatching(/^[ !#-[\]-~]{0,8}$/).map((s) => `"${s}"`),
  fc.string({ unit: 'grapheme', maxLength: 6 }).map((s) => JSON.stringify(s)),
  fc.constantFrom('"\u007f"', '"\u0085"', '"\u009f"', '"\u00a0"', '"😀"', '"日本"', '"\u2028"'),
  fc.string({ unit: 'binary', maxLength: 6 }).map((s) => JSON.stringify(s)),
  fc.constantFrom('"a\\/b"', '"\\u0041"', '"tab\there"', '"nl\nhere"', '"x\u007fy"', '"é"', '"\\ud800"', '"\\"'),
);

const keyText = mostly(fc.constantFrom('"a"', '"b"', '"c"', '"ab"', '""', '"__proto__"'), fc.constantFrom('"1"', '"0"', '"01"', '"-1"', '"4294967295"'), stringText);

/** Payload texts, nested, in every form a producer might write — what the byte path must take or leave alone. */
const { value: valueText } = fc.letrec<{ value: string; object: string; array: string }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, numberText, stringText, fc.constantFrom('true', 'false', 'null', 'nul', 'True'), tie('object'), tie('array')),
  object: fc
    .tuple(fc.array(fc.tuple(keyText, space, tie('value')), { maxLength: 4 }), space)
    .map(([entries, s]) => `{${s}${entries.map(([k, s2, v]) => `${k}${s2}:${v}`).join(',')}}`),
  array: fc.array(tie('value'), { maxLength: 3 }).map((values) => `[${values.join(',')}]`),
}));

/** Texts of the five fields: valid mostly, sometimes not. */
const fieldText = {
  id: mostly(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,20}$/).map((s) => `"${s}"`), fc.constantFrom('""', '"-x"', `"${'i'.repeat(129)}"`, `"${'i'.repeat(128)}"`, '7', '"a b"', '"a\\u0041"')),
  type: mostly(
    fc.stringMatching(/^[a-z0-9_-]{1,6}(\.[a-z0-9_-]{1,6}){0,7}$/).map((s) => `"${s}"`),
    fc.constantFrom('"a..b"', '".a"', '"a."', '"a b"', '1', '"a.b.c.d.e.f.g.h.i"', `"${'t'.repeat(129)}"`),
  ),
  source: mostly(fc.stringMatching(/^[ !#-[\]-~]{1,10}$/).map((s) => `"${s}"`), stringText, fc.constantFrom('""', `"${'s'.repeat(257)}"`, `"${'s'.repeat(256)}"`, '"\\u0007"', '"a\\\\b"')),
  timestamp: mostly(
    fc.date({ min: new Date(Date.UTC(1970, 0, 2)), max: new Date(Date.UTC(2099, 11, 31)), noInvalidDate: true }).map((d) => JSON.stringify(d.toISOString())),
    fc.date({ min: new Date(Date.UTC(1969, 0, 1)), max: new Date(Date.UTC(2101, 0, 1)), noInvalidDate: true }).map((d) => JSON.stringify(d.toISOString())),
    fc.constantFrom('"2024-02-29T00:00:00.000Z"', '"2023-02-29T00:00:00.000Z"', '"2026-11-30T10:00:00Z"', '"2026-11-30T24:00:00.000Z"', '"2026-11-30T10:00:00.000+00:00"', '1764496800000', '"1970-01-01T00:00:00.000Z"', '"2100-01-01T00:00:00.000Z"'),
  ),
  payload: mostly(valueText.filter((v) => v.startsWith('{')), valueText),
};

const eventText = fc
  .tuple(
    mostly(fc.constant('id,type,source,timestamp,payload'), fc.constantFrom('payload,timestamp,source,type,id', 'id,type,source,timestamp', 'id,type,source,timestamp,payload,extra', 'id,type,source,timestamp,payload,id2')),
    fc.record(fieldText),
    space,
  )
  .map(([keys, values, s]) => `{${s}${keys.split(',').map((k) => k === 'id2' ? `"id"${s}:${s}"another-id"` : `"${k}"${s}:${s}${k === 'extra' ? '1' : values[k as keyof typeof values]}`).join(`,${s}`)}${s}}`);

const envelopeText = fc
  .tuple(fc.array(eventText, { minLength: 0, maxLength: 5 }), space, mostly(fc.constant(''), fc.constantFrom('x', ',', '\ufeff')))
  .map(([events, s, junk]) => `${s}[${s}${events.join(`${s},${s}`)}${s}]${s}${junk}`);

describe('envelopes read straight from their bytes', () => {
  it('gives the same rows, newest time and refusals as the general path for any envelope text, valid or not', () => {
    let taken = 0;
    let left = 0;
    fc.assert(
      fc.property(envelopeText, fc.constantFrom(limits, { maxEvents: 3, maxBytes: 2_000, eventMaxBytes: 150 }), (text, l) => {
        const data = Buffer.from(text);
        if (envelopeRowsFromBytes(data, l, at)) taken++;
        else left++;
        expect(comparable(envelopeRows(data, l, at))).toEqual(comparable(generalEnvelopeRows(data, l, at)));
      }),
      { numRuns: 10_000 },
    );
    // Both ways were exercised: the property says something about the byte path, not only about the general one.
    expect(taken).toBeGreaterThan(100);
    expect(left).toBeGreaterThan(100);
  });

  it('gives the same rows as the general path for any bytes in a payload string or the source, valid UTF-8 or not', () => {
    // Raw bytes where a string's text goes: no quote, backslash or control below 0x20 (which would end the string or
    // break the JSON), so what decides is whether they are UTF-8 and, in the source, which characters they are.
    const text = fc.uint8Array({ minLength: 1, maxLength: 8 }).map((bytes) => Buffer.from(bytes.filter((b) => b !== 0x22 && b !== 0x5c && b >= 0x20)));
    let taken = 0;
    fc.assert(
      fc.property(text, fc.boolean(), (bytes, inSource) => {
        const [before, after] = (inSource ? event(2).replace('"shop"', '"@"') : event(2, '{"a":"@"}')).split('@');
        const data = Buffer.concat([Buffer.from(`[${event(1)},${before}`), bytes, Buffer.from(`${after}]`)]);
        if (envelopeRowsFromBytes(data, limits, at)) taken++;
        expect(comparable(envelopeRows(data, limits, at))).toEqual(comparable(generalEnvelopeRows(data, limits, at)));
      }),
      { numRuns: 5_000 },
    );
    expect(taken).toBeGreaterThan(100);
  });

  it('takes the envelope a producer serialises with JSON.stringify: ASCII, every event valid', () => {
    const data = envelope(event(1), event(2), event(3));
    const rows = envelopeRowsFromBytes(data, limits, at);
    expect(rows).toBeDefined();
    expect(comparable(rows!)).toEqual(comparable(generalEnvelopeRows(data, limits, at)));
    expect(rows!.count).toBe(3);
    expect(rows!.newest).toBe('2026-11-30T10:00:03.003Z');
    expect(Buffer.from(rows!.rows).toString().split('\n')[0]).toBe(
      `e-1\torder.created\tshop\t2026-11-30 10:00:01\t${Date.UTC(2026, 10, 30, 10, 0, 1, 1)}\t{"n":1,"note":"a typical small event"}\t${at}`,
    );
  });

  it.each([
    ['a key that is an array index (JSON.parse moves it first)', '{"b":1,"1":2}'],
    ['a key given twice (JSON.parse keeps the last)', '{"a":1,"a":2}'],
    ['a number not in its shortest form', '{"a":1.0}'],
    ['minus zero', '{"a":-0}'],
    ['an exponent JSON.stringify writes out', '{"a":1e2}'],
    ['a number of 400 digits (JSON.parse makes it Infinity)', `{"a":${'9'.repeat(400)}}`],
    ['a number of 200 000 digits', `{"a":${'9'.repeat(200_000)}}`],
    ['whitespace inside the payload', '{"a": 1}'],
    ['an escape', '{"a":"\\u0041"}'],
    ['a payload nested deeper than 64 levels', `${'{"a":'.repeat(65)}1${'}'.repeat(65)}`],
  ])('leaves %s to the general path, which gives the same result', (_what, payload) => {
    const data = envelope(event(1), event(2, payload));
    expect(envelopeRowsFromBytes(data, limits, at)).toBeUndefined();
    expect(envelopeRows(data, limits, at).ok).toBe(true);
  });

  it.each([
    ['an id of 128 characters', 'id', `"${'i'.repeat(128)}"`, true, true],
    ['an id of 129 characters', 'id', `"${'i'.repeat(129)}"`, false, false],
    ['a type of 8 tokens', 'type', '"a.b.c.d.e.f.g.h"', true, true],
    ['a type of 9 tokens', 'type', '"a.b.c.d.e.f.g.h.i"', false, false],
    ['a type of 129 characters', 'type', `"${'t'.repeat(129)}"`, false, false],
    ['a source of 256 characters', 'source', `"${'s'.repeat(256)}"`, true, true],
    ['a source of 257 characters', 'source', `"${'s'.repeat(257)}"`, false, false],
    ['a source of 256 UTF-16 units in 128 emoji (512 bytes)', 'source', `"${'😀'.repeat(128)}"`, true, true],
    ['a source of 258 UTF-16 units in 129 emoji', 'source', `"${'😀'.repeat(129)}"`, false, false],
    ['a source of 256 accented letters (512 bytes)', 'source', `"${'é'.repeat(256)}"`, true, true],
    ['a source holding DEL', 'source', '"a\u007fb"', false, false],
    ['a source holding a C1 control', 'source', '"a\u0085b"', false, false],
    ['a source holding U+00A0 (not a control)', 'source', '"a\u00a0b"', true, true],
    ['the earliest time', 'timestamp', '"1970-01-02T00:00:00.000Z"', true, true],
    ['a time before it', 'timestamp', '"1970-01-01T23:59:59.999Z"', false, false],
    ['the latest time', 'timestamp', '"2099-12-31T23:59:59.999Z"', true, true],
    ['a time after it', 'timestamp', '"2100-01-01T00:00:00.000Z"', false, false],
    ['February 29th of a leap year', 'timestamp', '"2024-02-29T00:00:00.000Z"', true, true],
    // Date.parse rolls it over to March 1st, which the general path stores; the byte path leaves such times to it.
    ['February 29th of another year', 'timestamp', '"2023-02-29T00:00:00.000Z"', false, true],
  ])('with %s, gives what the general path gives (the byte path: %s)', (_what, field, value, bytePath, valid) => {
    const data = envelope(event(1), event(2).replace(new RegExp(`"${field}":("[^"]*"|\\d+)`), `"${field}":${value}`));
    const rows = envelopeRowsFromBytes(data, limits, at);
    expect(rows !== undefined).toBe(bytePath);
    const general = generalEnvelopeRows(data, limits, at);
    expect(general.ok && general.rejected.length === 0).toBe(valid);
    if (rows) expect(comparable(rows)).toEqual(comparable(general));
  });

  it.each([
    ['an array closed by a brace', '{"a":[1}}'],
    ['an object closed by a bracket', '{"a":1]'],
    ['an object not closed', '{"a":1'],
    ['a key without its colon', '{"a" 1}'],
    ['a misspelt literal', '{"a":tru}'],
    ['a comma before the end', '{"a":1,}'],
    ['a comma alone', '{,}'],
  ])('leaves a payload that is no JSON (%s) to the general path, which refuses the envelope', (_what, payload) => {
    const data = envelope(event(1), event(2, payload));
    expect(envelopeRowsFromBytes(data, limits, at)).toBeUndefined();
    expect(envelopeRows(data, limits, at)).toMatchObject({ ok: false, reason: 'invalid_json' });
  });

  it('takes text beyond ASCII in valid UTF-8, and leaves invalid UTF-8 to the general path (which reads it with replacement characters)', () => {
    const unicode = envelope(event(1, '{"name":"Zoë","city":"東京","mood":"😀"}'), event(2).replace('"shop"', '"Bäckerei Müller"'));
    const rows = envelopeRowsFromBytes(unicode, limits, at);
    expect(rows).toBeDefined();
    expect(comparable(rows!)).toEqual(comparable(generalEnvelopeRows(unicode, limits, at)));
    const invalid = Buffer.concat([envelope(event(1)).subarray(0, 60), Buffer.from([0xff]), envelope(event(1)).subarray(60)]);
    expect(envelopeRowsFromBytes(invalid, limits, at)).toBeUndefined();
    expect(comparable(envelopeRows(invalid, limits, at))).toEqual(comparable(generalEnvelopeRows(invalid, limits, at)));
  });

  it('leaves envelopes with an invalid event or over a limit to the general path, which words the refusal', () => {
    const invalid = envelope(event(1), event(2).replace('"e-2"', '"-e"'));
    expect(envelopeRowsFromBytes(invalid, limits, at)).toBeUndefined();
    const refused = envelopeRows(invalid, limits, at);
    expect(refused.ok && refused.rejected.map((r) => r.index)).toEqual([1]);
    const tooMany = envelope(event(1), event(2), event(3));
    expect(envelopeRowsFromBytes(tooMany, { ...limits, maxEvents: 2 }, at)).toBeUndefined();
    expect(envelopeRows(tooMany, { ...limits, maxEvents: 2 }, at)).toMatchObject({ ok: false, reason: 'too_large' });
  });
});

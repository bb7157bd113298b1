import { EnvelopeDecoder } from './envelope-decoder';
import type { EnvelopeRows } from './envelope-rows';

const limits = { maxEvents: 100, maxBytes: 65_536, eventMaxBytes: 1_024 };
const INGESTED_AT = '2026-01-01 00:00:00';
const event = (i: number, change: Record<string, unknown> = {}) => ({
  id: `e-${i}`,
  type: 'order.created',
  source: 'test',
  timestamp: new Date(Date.UTC(2026, 0, 1) + i).toISOString(),
  payload: { n: i, text: 'tab\there' },
  ...change,
});
const bytes = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

/** What a caller can observe of a decoding, with the rows as text. */
function observable(result: EnvelopeRows): unknown {
  return result.ok ? { ...result, rows: Buffer.from(result.rows).toString('utf8') } : result;
}

const ENVELOPES: Array<{ name: string; data: Uint8Array }> = [
  { name: 'valid events', data: bytes([event(1), event(2), event(3)]) },
  { name: 'valid events without an escape (the byte path)', data: bytes([event(1, { payload: { n: 1 } }), event(2, { payload: { n: 2, a: [true, null] } })]) },
  { name: 'valid and invalid events mixed', data: bytes([event(1), event(2, { id: '' }), event(3, { payload: { big: 'x'.repeat(2_000) } }), event(4, { extra: 1 })]) },
  { name: 'only invalid events', data: bytes([event(1, { type: 7 })]) },
  { name: 'no JSON', data: bytes('[{"id":') },
  { name: 'no array', data: bytes(event(1)) },
  { name: 'too many events', data: bytes(Array.from({ length: 101 }, (_, i) => event(i))) },
];

describe('EnvelopeDecoder', () => {
  it.each(ENVELOPES)('gives the same rows and rejects on a worker thread as inline: $name', async ({ data }) => {
    const inline = new EnvelopeDecoder({ workers: 0, limits });
    const workers = new EnvelopeDecoder({ workers: 2, limits });
    try {
      await workers.ready();
      const expected = observable(await inline.decode(data, INGESTED_AT));
      // Twice, so both workers answer.
      expect(observable(await workers.decode(data, INGESTED_AT))).toEqual(expected);
      expect(observable(await workers.decode(data, INGESTED_AT))).toEqual(expected);
    } finally {
      await workers.close();
    }
  }, 60_000);

  it('answers an envelope that takes the byte path on the calling thread, and sends the others to a worker', async () => {
    const workers = new EnvelopeDecoder({ workers: 1, limits });
    // A worker's answer needs a turn of the event loop; one given on the calling thread does not.
    const first = (decoding: Promise<EnvelopeRows>) => Promise.race([decoding.then(() => 'decoded'), new Promise((resolve) => setImmediate(() => resolve('a turn of the event loop')))]);
    try {
      await workers.ready();
      expect(await first(workers.decode(bytes([event(1, { payload: { n: 1 } })]), INGESTED_AT))).toBe('decoded');
      expect(await first(workers.decode(bytes([event(1)]), INGESTED_AT))).toBe('a turn of the event loop');
    } finally {
      await workers.close();
    }
  }, 60_000);

  it('leaves the bytes it was given intact (it decodes a copy)', async () => {
    const workers = new EnvelopeDecoder({ workers: 1, limits });
    try {
      const data = bytes([event(1)]);
      const before = Buffer.from(data).toString('utf8');
      await workers.decode(data, INGESTED_AT);
      expect(data.byteLength).toBeGreaterThan(0);
      expect(Buffer.from(data).toString('utf8')).toBe(before);
    } finally {
      await workers.close();
    }
  }, 60_000);

  it('answers many envelopes in flight at once, each with its own rows', async () => {
    const workers = new EnvelopeDecoder({ workers: 2, limits });
    try {
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => workers.decode(bytes([event(i)]), INGESTED_AT)));
      expect(results.map((r) => (r.ok ? Buffer.from(r.rows).toString('utf8').split('\t')[0] : r.reason))).toEqual(Array.from({ length: 50 }, (_, i) => `e-${i}`));
    } finally {
      await workers.close();
    }
  }, 60_000);

  it('rejects envelopes still being decoded when it is closed, and every later one', async () => {
    const workers = new EnvelopeDecoder({ workers: 1, limits });
    const pending = expect(workers.decode(bytes([event(1)]), INGESTED_AT)).rejects.toThrow(/closed/);
    await workers.close();
    await pending;
    await expect(workers.decode(bytes([event(2)]), INGESTED_AT)).rejects.toThrow(/closed/);
  }, 60_000);
});

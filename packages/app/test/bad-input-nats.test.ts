import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { missingServers, startClickHouse, startNats, waitFor } from '@qraft/testkit';
import { natsClient, runApp, testEnv } from './harness';

const missing = missingServers().filter((m) => !m.startsWith('prometheus'));
const describeServers = missing.length === 0 ? describe : describe.skip;
if (missing.length > 0) console.warn(`SKIPPED NATS bad-input tests: ${missing.join('; ')}`);

const DROP = "'; DROP TABLE qraft.events; --";
const complete = (change: Record<string, unknown> = {}) => ({
  id: `ok-${Math.random().toString(36).slice(2)}`,
  type: 'bad.input',
  source: 'nats',
  timestamp: new Date(Date.now() - 60_000).toISOString(),
  payload: { n: 1 },
  ...change,
});
const text = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

/** What is published straight to qraft.events.<subject>, and the dead-letter reason it must get. */
const CORPUS: Array<{ name: string; subject: string; data: Uint8Array; reason: 'invalid_json' | 'invalid_event' | 'too_large'; detail: RegExp }> = [
  { name: 'unterminated JSON', subject: 'bad.input', data: text('{not json'), reason: 'invalid_json', detail: /body is not JSON/ },
  { name: 'an empty body', subject: 'bad.input', data: new Uint8Array(), reason: 'invalid_json', detail: /body is not JSON/ },
  { name: 'bytes that are not UTF-8', subject: 'bad.input', data: Uint8Array.from([0xff, 0xfe, 0x00, 0x7b]), reason: 'invalid_json', detail: /body is not JSON/ },
  { name: 'a NaN literal', subject: 'bad.input', data: text('{"payload":{"n":NaN}}'), reason: 'invalid_json', detail: /body is not JSON/ },
  { name: 'null', subject: 'bad.input', data: text('null'), reason: 'invalid_event', detail: /must be a JSON object/ },
  { name: 'an array of events', subject: 'bad.input', data: text([complete()]), reason: 'invalid_event', detail: /must be a JSON object/ },
  { name: 'no id (NATS events must be complete)', subject: 'bad.input', data: text(complete({ id: undefined })), reason: 'invalid_event', detail: /id must be/ },
  { name: 'no timestamp', subject: 'bad.input', data: text(complete({ timestamp: undefined })), reason: 'invalid_event', detail: /timestamp must be/ },
  { name: 'wrong types', subject: 'bad.input', data: text(complete({ type: 7, source: false, payload: 'x' })), reason: 'invalid_event', detail: /type must be.*source must be.*payload must be/ },
  { name: 'an unknown field', subject: 'bad.input', data: text(complete({ extra: 1 })), reason: 'invalid_event', detail: /unknown field extra/ },
  { name: 'SQL in the id', subject: 'bad.input', data: text(complete({ id: DROP })), reason: 'invalid_event', detail: /id must be/ },
  { name: 'SQL in the type', subject: 'bad.input', data: text(complete({ type: DROP })), reason: 'invalid_event', detail: /type must be/ },
  { name: 'a NUL in the source', subject: 'bad.input', data: text(complete({ source: 'a\u0000b' })), reason: 'invalid_event', detail: /control characters/ },
  { name: 'a lone surrogate in the source', subject: 'bad.input', data: text('{"id":"ls1","type":"a","source":"\\ud800","timestamp":1735689600000,"payload":{}}'), reason: 'invalid_event', detail: /lone UTF-16 surrogates/ },
  { name: 'a lone surrogate in the payload', subject: 'bad.input', data: text('{"id":"ls2","type":"a","source":"s","timestamp":1735689600000,"payload":{"v":"\\udfff"}}'), reason: 'invalid_event', detail: /lone UTF-16 surrogate/ },
  { name: 'a payload nested 1500 deep', subject: 'bad.input', data: text(`{"id":"d1","type":"a","source":"s","timestamp":1735689600000,"payload":{"a":${'['.repeat(1_500)}1${']'.repeat(1_500)}}}`), reason: 'invalid_event', detail: /nested deeper than 64 levels/ },
  { name: 'a number beyond a double', subject: 'bad.input', data: text('{"id":"n1","type":"a","source":"s","timestamp":1735689600000,"payload":{"n":-1e999}}'), reason: 'invalid_event', detail: /outside the range of a double/ },
  { name: 'a timestamp in 2200', subject: 'bad.input', data: text(complete({ timestamp: '2200-01-01T00:00:00Z' })), reason: 'invalid_event', detail: /between 1970-01-02 and 2100-01-01/ },
  { name: 'a body over QRAFT_EVENT_MAX_BYTES', subject: 'bad.input', data: text(complete({ payload: { blob: 'x'.repeat(5_000) } })), reason: 'too_large', detail: /limit is 4096 \(QRAFT_EVENT_MAX_BYTES\)/ },
];

describeServers('NATS bad input published straight to qraft.events.>', () => {
  it('dead-letters every malformed message with its reason, stores none of it, and keeps ingesting valid events verbatim', async () => {
    await using nats = await startNats();
    await using ch = await startClickHouse();
    await using running = await runApp(testEnv(nats, ch, { QRAFT_EVENT_MAX_BYTES: '4096' }));
    await using nc = await natsClient(nats.url);
    const js = jetstream(nc);

    for (const bad of CORPUS) await js.publish(`qraft.events.${bad.subject}`, bad.data);
    const good = [
      complete({ id: 'nats-good-1', source: "\\' OR 1=1", payload: { sql: DROP, emoji: '🧨👩‍👩‍👧', rtl: 'مرحبا', combining: 'e\u0301', ctl: '\u0000\u001b' } }),
      complete({ id: 'nats-good-2', source: 'שלום 👋', payload: { [DROP]: true } }),
    ];
    for (const event of good) await js.publish('qraft.events.bad.input', JSON.stringify(event));

    // The dead letters, from the stream itself (nothing is lost to a late subscription).
    const jsm = await jetstreamManager(nc);
    await waitFor(`${CORPUS.length} dead letters in QRAFT_DEADLETTER`, async () => (await jsm.streams.info('QRAFT_DEADLETTER')).state.messages >= CORPUS.length);
    const consumer = await js.consumers.get('QRAFT_DEADLETTER');
    const letters: Array<{ subject: string; reason?: string; detail?: string; original?: string; data: Uint8Array }> = [];
    const messages = await consumer.fetch({ max_messages: CORPUS.length + 5, expires: 2_000 });
    for await (const m of messages) {
      letters.push({ subject: m.subject, reason: m.headers?.get('Qraft-Reason'), detail: m.headers?.get('Qraft-Detail'), original: m.headers?.get('Qraft-Original-Subject'), data: m.data });
    }
    expect(letters).toHaveLength(CORPUS.length);
    letters.forEach((letter, i) => {
      const bad = CORPUS[i]!;
      expect({ name: bad.name, subject: letter.subject, reason: letter.reason, original: letter.original, detail: letter.detail }).toEqual({
        name: bad.name,
        subject: `qraft.deadletter.${bad.reason}`,
        reason: bad.reason,
        original: `qraft.events.${bad.subject}`,
        detail: expect.stringMatching(bad.detail),
      });
      expect(Buffer.from(letter.data).equals(Buffer.from(bad.data))).toBe(true);
    });

    // Only the valid events reach ClickHouse, byte for byte.
    await waitFor('the valid events after the corpus', async () => (await running.app.store.countEvents(good.map((e) => String(e['id'])))) === good.length);
    const res = await fetch(`${ch.url}/?query=${encodeURIComponent('SELECT id, source, payload FROM qraft.events FINAL ORDER BY id FORMAT JSONEachRow')}`, {
      headers: { 'X-ClickHouse-User': ch.user, 'X-ClickHouse-Key': ch.password },
    });
    const rows = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
    expect(rows).toEqual(good.map((e) => ({ id: e['id'], source: e['source'], payload: JSON.stringify(e['payload']) })));

    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    const rejected = (reason: string) => CORPUS.filter((c) => c.reason === reason).length;
    expect(metrics).toContain(`qraft_events_rejected_total{reason="invalid_json"} ${rejected('invalid_json')}`);
    expect(metrics).toContain(`qraft_events_rejected_total{reason="invalid_event"} ${rejected('invalid_event')}`);
    expect(metrics).toContain(`qraft_events_rejected_total{reason="too_large"} ${rejected('too_large')}`);
    expect((await fetch(`${running.url}/readyz`)).status).toBe(200);
  }, 90_000);
});

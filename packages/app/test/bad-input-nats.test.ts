import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { describeServers, startClickHouse, startNats, waitFor } from '@qraft/testkit';
import { natsClient, runApp, testEnv } from './harness';

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

describeServers('NATS bad-input tests', ['nats-server', 'clickhouse-server'])('NATS bad input published straight to qraft.events.>', () => {
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

/** Whole envelopes on qraft.batch.<anything> that are refused as they are. */
const ENVELOPE_CORPUS: Array<{ name: string; data: Uint8Array; reason: 'invalid_json' | 'invalid_event' | 'too_large'; detail: RegExp }> = [
  { name: 'an envelope that is not JSON', data: text('[{"id":'), reason: 'invalid_json', detail: /body is not JSON/ },
  { name: 'an envelope that is one object', data: text(complete()), reason: 'invalid_event', detail: /must be a JSON array of events/ },
  { name: 'an empty envelope', data: text([]), reason: 'invalid_event', detail: /empty array/ },
  { name: 'an envelope over QRAFT_ENVELOPE_MAX_EVENTS', data: text(Array.from({ length: 11 }, () => complete())), reason: 'too_large', detail: /holds 11 events; the limit is 10 \(QRAFT_ENVELOPE_MAX_EVENTS\)/ },
  { name: 'an envelope over QRAFT_ENVELOPE_MAX_BYTES', data: text([complete({ payload: { blob: 'x'.repeat(3_000) } }), ...Array.from({ length: 6 }, () => complete({ payload: { blob: 'y'.repeat(3_000) } }))]), reason: 'too_large', detail: /limit is 16384 \(QRAFT_ENVELOPE_MAX_BYTES\)/ },
];

describeServers('NATS bad-input tests', ['nats-server', 'clickhouse-server'])('NATS bad input in batch envelopes on qraft.batch.>', () => {
  it('dead-letters a refused envelope whole and each invalid event of an envelope on its own, and stores the valid ones', async () => {
    await using nats = await startNats();
    await using ch = await startClickHouse();
    await using running = await runApp(testEnv(nats, ch, { QRAFT_EVENT_MAX_BYTES: '4096', QRAFT_ENVELOPE_MAX_EVENTS: '10', QRAFT_ENVELOPE_MAX_BYTES: '16384' }));
    await using nc = await natsClient(nats.url);
    const js = jetstream(nc);

    for (const bad of ENVELOPE_CORPUS) await js.publish('qraft.batch.bad', bad.data);
    // One envelope mixing valid events with every kind of invalid one; the valid ones must get through.
    const valid = [complete({ id: 'env-good-0', payload: { sql: DROP } }), complete({ id: 'env-good-1' }), complete({ id: 'env-good-2', source: 'שלום 👋' })];
    const mixed: unknown[] = [
      valid[0],
      complete({ id: undefined }),
      null,
      valid[1],
      complete({ id: 'env-big', payload: { blob: 'x'.repeat(5_000) } }),
      complete({ id: 'env-extra', extra: true }),
      [complete({ id: 'env-nested' })],
      valid[2],
    ];
    const invalid = [
      { index: 1, reason: 'invalid_event', detail: /id must be/ },
      { index: 2, reason: 'invalid_event', detail: /must be a JSON object/ },
      { index: 4, reason: 'too_large', detail: /limit is 4096 \(QRAFT_EVENT_MAX_BYTES\)/ },
      { index: 5, reason: 'invalid_event', detail: /unknown field extra/ },
      { index: 6, reason: 'invalid_event', detail: /must be a JSON object/ },
    ];
    const mixedAck = await js.publish('qraft.batch.producer-7', JSON.stringify(mixed));
    // An envelope whose events are all invalid is dead-lettered event by event and acked.
    const allBadAck = await js.publish('qraft.batch.producer-7', JSON.stringify([complete({ type: DROP }), complete({ timestamp: 'yesterday' })]));

    const total = ENVELOPE_CORPUS.length + invalid.length + 2;
    const jsm = await jetstreamManager(nc);
    await waitFor(`${total} dead letters`, async () => (await jsm.streams.info('QRAFT_DEADLETTER')).state.messages >= total);
    const letters: Array<{ subject: string; headers: Record<string, string | undefined>; data: Uint8Array }> = [];
    for await (const m of await (await js.consumers.get('QRAFT_DEADLETTER')).fetch({ max_messages: total + 5, expires: 2_000 })) {
      const h = (name: string) => m.headers?.get(name) || undefined;
      letters.push({
        subject: m.subject,
        data: m.data,
        headers: { reason: h('Qraft-Reason'), detail: h('Qraft-Detail'), original: h('Qraft-Original-Subject'), index: h('Qraft-Envelope-Index'), seq: h('Qraft-Envelope-Seq') },
      });
    }
    expect(letters).toHaveLength(total);

    // Refused whole: the original body, no index.
    ENVELOPE_CORPUS.forEach((bad, i) => {
      const letter = letters[i]!;
      expect({ name: bad.name, subject: letter.subject, ...letter.headers }).toEqual({
        name: bad.name,
        subject: `qraft.deadletter.${bad.reason}`,
        reason: bad.reason,
        detail: expect.stringMatching(bad.detail),
        original: 'qraft.batch.bad',
        index: undefined,
        seq: undefined,
      });
      expect(Buffer.from(letter.data).equals(Buffer.from(bad.data))).toBe(true);
    });
    // One by one: the envelope's subject, the event's index and the envelope's stream sequence, the event as JSON.
    invalid.forEach((bad, i) => {
      const letter = letters[ENVELOPE_CORPUS.length + i]!;
      expect({ subject: letter.subject, ...letter.headers }).toEqual({
        subject: `qraft.deadletter.${bad.reason}`,
        reason: bad.reason,
        detail: expect.stringMatching(bad.detail),
        original: 'qraft.batch.producer-7',
        index: String(bad.index),
        seq: String(mixedAck.seq),
      });
      expect(JSON.parse(Buffer.from(letter.data).toString('utf8'))).toEqual(JSON.parse(JSON.stringify(mixed[bad.index])));
    });
    expect(letters.slice(-2).map((l) => [l.headers['index'], l.headers['seq']])).toEqual([['0', String(allBadAck.seq)], ['1', String(allBadAck.seq)]]);

    await waitFor('the valid events of the mixed envelope', async () => (await running.app.store.countEvents()) === valid.length);
    const res = await fetch(`${ch.url}/?query=${encodeURIComponent('SELECT id, source, payload FROM qraft.events FINAL ORDER BY id FORMAT JSONEachRow')}`, {
      headers: { 'X-ClickHouse-User': ch.user, 'X-ClickHouse-Key': ch.password },
    });
    const rows = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
    expect(rows).toEqual(valid.map((e) => ({ id: e['id'], source: e['source'], payload: JSON.stringify(e['payload']) })));

    await waitFor('every envelope acknowledged', async () => {
      const info = await jsm.consumers.info('QRAFT_EVENTS', 'qraft-app-batch');
      return info.num_ack_pending === 0 && info.num_pending === 0;
    });
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toContain('qraft_events_ingested_total 3');
    expect(metrics).toContain('qraft_envelopes_ingested_total 2');
    expect(metrics).toContain(`qraft_events_rejected_total{reason="invalid_event"} ${invalid.filter((b) => b.reason === 'invalid_event').length + 2}`);
    expect(metrics).toContain('qraft_events_rejected_total{reason="too_large"} 1');
    const whole = (reason: string) => ENVELOPE_CORPUS.filter((c) => c.reason === reason).length;
    for (const reason of ['invalid_json', 'invalid_event', 'too_large']) expect(metrics).toContain(`qraft_envelopes_rejected_total{reason="${reason}"} ${whole(reason)}`);
    expect((await fetch(`${running.url}/readyz`)).status).toBe(200);
  }, 90_000);
});

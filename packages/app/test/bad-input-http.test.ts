import { type ClickHouseTestServer, describeServers, type NatsTestServer, startClickHouse, startNats, waitFor } from '@qraft/testkit';
import { PassThrough } from 'node:stream';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { QraftApp } from '../src/qraft-app';
import { testEnv } from './harness';

/** Small limits, so the oversized cases stay small too. */
const LIMITS = {
  QRAFT_HTTP_BODY_LIMIT_BYTES: '8192',
  QRAFT_EVENT_MAX_BYTES: '2048',
  QRAFT_PUBLISH_BATCH_MAX: '5',
  QRAFT_QUERY_MAX_LIMIT: '50',
  QRAFT_QUERY_MAX_RANGE_MS: '86400000',
};

const DROP = "'; DROP TABLE qraft.events; --";
const OR_TRUE = "\\' OR 1=1";
const event = (change: Record<string, unknown> = {}) => ({ type: 'bad.input', source: 'corpus', payload: { n: 1 }, ...change });
const json = (value: unknown) => JSON.stringify(value);
const deep = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

interface BadRequest {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  /** A string is sent as is; undefined sends no body. */
  readonly body?: string | Uint8Array;
  /** null sends no content-type header. */
  readonly contentType?: string | null;
  readonly status: number;
  readonly error: string;
  /** What the message must say for a caller to act on it. */
  readonly message: RegExp;
}

/** name → request and the answer it must get. */
const CORPUS: Record<string, BadRequest> = {
  // Malformed JSON
  'unterminated object': { path: '/events', body: '{oops', status: 400, error: 'invalid_json', message: /not valid JSON/ },
  'trailing comma': { path: '/events', body: '{"type":"a",}', status: 400, error: 'invalid_json', message: /not valid JSON/ },
  'unterminated array': { path: '/events', body: '[1,2', status: 400, error: 'invalid_json', message: /not valid JSON/ },
  'single quotes': { path: '/events', body: "{'type':'a'}", status: 400, error: 'invalid_json', message: /not valid JSON/ },
  'NaN literal': { path: '/events', body: '{"type":"a","payload":{"n":NaN}}', status: 400, error: 'invalid_json', message: /not valid JSON/ },
  'garbage after the value': { path: '/events', body: '{"type":"a"} trailing', status: 400, error: 'invalid_json', message: /not valid JSON/ },
  'empty body': { path: '/events', body: '', status: 400, error: 'invalid_json', message: /cannot be empty/ },
  'a NUL byte as the body': { path: '/events', body: '\u0000', status: 400, error: 'invalid_json', message: /not valid JSON/ },
  'a __proto__ key': { path: '/events', body: '{"type":"a","source":"s","payload":{},"__proto__":{"x":1}}', status: 400, error: 'invalid_json', message: /JSON/ },
  // Wrong types
  'null': { path: '/events', body: 'null', status: 400, error: 'invalid_event', message: /must be a JSON object with id, type, source, timestamp and payload/ },
  'a number': { path: '/events', body: '42', status: 400, error: 'invalid_event', message: /must be a JSON object/ },
  'a string': { path: '/events', body: '"order.created"', status: 400, error: 'invalid_event', message: /must be a JSON object/ },
  'a nested array': { path: '/events', body: json([[event()]]), status: 400, error: 'invalid_event', message: /event 0: an event must be a JSON object/ },
  'type is a number': { path: '/events', body: json(event({ type: 42 })), status: 400, error: 'invalid_event', message: /type must be 1-128 characters/ },
  'source is an array': { path: '/events', body: json(event({ source: ['a'] })), status: 400, error: 'invalid_event', message: /source must be a non-empty string/ },
  'timestamp is a boolean': { path: '/events', body: json(event({ timestamp: true })), status: 400, error: 'invalid_event', message: /timestamp must be an ISO-8601 string/ },
  'payload is a string': { path: '/events', body: json(event({ payload: 'x' })), status: 400, error: 'invalid_event', message: /payload must be a JSON object/ },
  'payload is an array': { path: '/events', body: json(event({ payload: [1] })), status: 400, error: 'invalid_event', message: /payload must be a JSON object/ },
  'id is an object': { path: '/events', body: json(event({ id: {} })), status: 400, error: 'invalid_event', message: /id must be a string of 1-128 letters/ },
  // Missing and unknown fields
  'an empty object': { path: '/events', body: '{}', status: 400, error: 'invalid_event', message: /type must be.*source must be.*payload must be/ },
  'no type': { path: '/events', body: json({ source: 's', payload: {} }), status: 400, error: 'invalid_event', message: /type must be/ },
  'no source': { path: '/events', body: json({ type: 'a', payload: {} }), status: 400, error: 'invalid_event', message: /source must be/ },
  'no payload': { path: '/events', body: json({ type: 'a', source: 's' }), status: 400, error: 'invalid_event', message: /payload must be a JSON object/ },
  'an unknown field': { path: '/events', body: json(event({ user: 'x' })), status: 400, error: 'invalid_event', message: /unknown field user \(allowed: id, type, source, timestamp, payload\)/ },
  'an empty batch': { path: '/events', body: '[]', status: 400, error: 'invalid_event', message: /the batch is empty/ },
  'one bad event in a batch': { path: '/events', body: json([event(), event({ type: '' })]), status: 400, error: 'invalid_event', message: /1 of 2 event\(s\) invalid, none published; first: event 1/ },
  // Size
  'a body over QRAFT_HTTP_BODY_LIMIT_BYTES': { path: '/events', body: json(event({ payload: { blob: 'x'.repeat(9_000) } })), status: 413, error: 'body_too_large', message: /larger than 8192 bytes \(QRAFT_HTTP_BODY_LIMIT_BYTES\)/ },
  'an event over QRAFT_EVENT_MAX_BYTES': { path: '/events', body: json(event({ payload: { blob: 'x'.repeat(3_000) } })), status: 400, error: 'invalid_event', message: /limit is 2048 \(QRAFT_EVENT_MAX_BYTES\)/ },
  'a batch over QRAFT_PUBLISH_BATCH_MAX': { path: '/events', body: json(Array.from({ length: 6 }, () => event())), status: 413, error: 'batch_too_large', message: /6 events in one request; the limit is 5 \(QRAFT_PUBLISH_BATCH_MAX\) — split the batch/ },
  'a batch of 2 000 events': { path: '/events', body: json(Array.from({ length: 2_000 }, () => 0)), status: 413, error: 'batch_too_large', message: /2000 events in one request; the limit is 5/ },
  'a batch of 10 000 events, over the body limit too': { path: '/events', body: json(Array.from({ length: 10_000 }, () => ({}))), status: 413, error: 'body_too_large', message: /QRAFT_HTTP_BODY_LIMIT_BYTES/ },
  'payload nested 1000 deep': { path: '/events', body: `{"type":"a","source":"s","payload":${deep(1_000)}}`, status: 400, error: 'invalid_event', message: /nested deeper than 64 levels/ },
  'a number beyond a double': { path: '/events', body: '{"type":"a","source":"s","payload":{"n":1e400}}', status: 400, error: 'invalid_event', message: /payload.n is a number outside the range of a double/ },
  // Unicode and control characters where only identifiers belong
  'an accented type': { path: '/events', body: json(event({ type: 'ordér.created' })), status: 400, error: 'invalid_event', message: /type must be/ },
  'an emoji type': { path: '/events', body: json(event({ type: '🛒' })), status: 400, error: 'invalid_event', message: /type must be/ },
  'a NATS wildcard type (>)': { path: '/events', body: json(event({ type: 'order.>' })), status: 400, error: 'invalid_event', message: /type must be/ },
  'a NATS wildcard type (*)': { path: '/events', body: json(event({ type: 'order.*' })), status: 400, error: 'invalid_event', message: /type must be/ },
  'a NUL in the type': { path: '/events', body: json(event({ type: 'order\u0000created' })), status: 400, error: 'invalid_event', message: /type must be/ },
  'a right-to-left override in the id': { path: '/events', body: json(event({ id: 'x\u202Egnp.exe' })), status: 400, error: 'invalid_event', message: /id must be/ },
  'a NUL in the source': { path: '/events', body: json(event({ source: 'a\u0000b' })), status: 400, error: 'invalid_event', message: /source must be text without control characters/ },
  'an ANSI escape in the source': { path: '/events', body: json(event({ source: '\u001b[31mred' })), status: 400, error: 'invalid_event', message: /source must be text without control characters/ },
  'a lone surrogate in the source': { path: '/events', body: '{"type":"a","source":"x\\ud800","payload":{}}', status: 400, error: 'invalid_event', message: /lone UTF-16 surrogates/ },
  'a lone surrogate in a payload string': { path: '/events', body: '{"type":"a","source":"s","payload":{"v":"\\udc00"}}', status: 400, error: 'invalid_event', message: /payload.v holds a lone UTF-16 surrogate/ },
  'a lone surrogate in a payload key': { path: '/events', body: '{"type":"a","source":"s","payload":{"\\ud83d":1}}', status: 400, error: 'invalid_event', message: /a key in payload holds a lone UTF-16 surrogate/ },
  'a source of 257 characters': { path: '/events', body: json(event({ source: 'é'.repeat(257) })), status: 400, error: 'invalid_event', message: /at most 256 characters/ },
  // SQL-looking strings where only identifiers belong
  'SQL in the type': { path: '/events', body: json(event({ type: DROP })), status: 400, error: 'invalid_event', message: /type must be/ },
  'SQL in the id': { path: '/events', body: json(event({ id: DROP })), status: 400, error: 'invalid_event', message: /id must be/ },
  'a quote-escape in the id': { path: '/events', body: json(event({ id: OR_TRUE })), status: 400, error: 'invalid_event', message: /id must be/ },
  'SQL in the timestamp': { path: '/events', body: json(event({ timestamp: `2025-01-01${DROP}` })), status: 400, error: 'invalid_event', message: /timestamp must be a valid time/ },
  // Times out of range
  'a timestamp before 1970-01-02': { path: '/events', body: json(event({ timestamp: '1969-12-31T00:00:00Z' })), status: 400, error: 'invalid_event', message: /between 1970-01-02 and 2100-01-01/ },
  'a timestamp of 1e300 ms': { path: '/events', body: json(event({ timestamp: 1e300 })), status: 400, error: 'invalid_event', message: /between 1970-01-02 and 2100-01-01/ },
  // Wrong content type, method, route
  'text/plain': { path: '/events', body: json(event()), contentType: 'text/plain', status: 415, error: 'unsupported_media_type', message: /content-type text\/plain is not accepted; send the body as JSON with content-type: application\/json/ },
  'a form': { path: '/events', body: 'type=a&source=s', contentType: 'application/x-www-form-urlencoded', status: 415, error: 'unsupported_media_type', message: /application\/json/ },
  'XML': { path: '/events', body: '<event/>', contentType: 'application/xml', status: 415, error: 'unsupported_media_type', message: /application\/json/ },
  'no content-type': { path: '/events', body: new TextEncoder().encode(json(event())), contentType: null, status: 415, error: 'unsupported_media_type', message: /content-type none is not accepted/ },
  'PUT /events': { method: 'PUT', path: '/events', body: json(event()), status: 404, error: 'not_found', message: /no route PUT \/events/ },
  'DELETE /events': { method: 'DELETE', path: '/events', contentType: null, status: 404, error: 'not_found', message: /no route DELETE \/events/ },
  // Queries out of range
  'from after to': { method: 'GET', path: '/events?from=2025-01-02T00:00:00Z&to=2025-01-01T00:00:00Z', status: 400, error: 'invalid_query', message: /from must be before to/ },
  'from equal to to': { method: 'GET', path: '/events?from=1735689600000&to=1735689600000', status: 400, error: 'invalid_query', message: /from must be before to/ },
  'a range over QRAFT_QUERY_MAX_RANGE_MS': { method: 'GET', path: '/events?from=2000-01-01T00:00:00Z&to=2025-01-01T00:00:00Z', status: 400, error: 'range_too_large', message: /the limit is 86400000 ms \(QRAFT_QUERY_MAX_RANGE_MS\) — narrow from\/to/ },
  'a time that is not one': { method: 'GET', path: '/events?from=yesterday', status: 400, error: 'invalid_query', message: /from=yesterday is not a time; use ISO-8601/ },
  'a time past 2106': { method: 'GET', path: '/events?to=99999999999999999999', status: 400, error: 'invalid_query', message: /outside 1970-01-01 to 2106-01-01/ },
  'no limit, with QRAFT_QUERY_MAX_LIMIT below the default of 100, and a bad cursor': { method: 'GET', path: '/events?cursor=%00', status: 400, error: 'invalid_cursor', message: /nextCursor/ },
  'limit 0': { method: 'GET', path: '/events?limit=0', status: 400, error: 'invalid_query', message: /limit must be an integer from 1 to 50 \(QRAFT_QUERY_MAX_LIMIT\)/ },
  'limit -1': { method: 'GET', path: '/events?limit=-1', status: 400, error: 'invalid_query', message: /limit must be an integer from 1 to 50/ },
  'limit 1e9': { method: 'GET', path: '/events?limit=1e9', status: 400, error: 'invalid_query', message: /limit must be an integer from 1 to 50/ },
  'limit NaN': { method: 'GET', path: '/events?limit=NaN', status: 400, error: 'invalid_query', message: /limit must be an integer from 1 to 50/ },
  'limit 1.5': { method: 'GET', path: '/events?limit=1.5', status: 400, error: 'invalid_query', message: /limit must be an integer/ },
  'limit given twice': { method: 'GET', path: '/events?limit=1&limit=2', status: 400, error: 'invalid_query', message: /limit is given 2 times; give it once/ },
  'type given twice': { method: 'GET', path: '/events?type=a&type=b', status: 400, error: 'invalid_query', message: /type is given 2 times; give it once/ },
  'SQL in the type filter': { method: 'GET', path: `/events?type=${encodeURIComponent(DROP)}`, status: 400, error: 'invalid_query', message: /type must be an event type/ },
  'a quote-escape in the type filter': { method: 'GET', path: `/events?type=${encodeURIComponent(OR_TRUE)}`, status: 400, error: 'invalid_query', message: /type must be an event type/ },
  'a cursor that is not base64 JSON': { method: 'GET', path: '/events?cursor=zzz', status: 400, error: 'invalid_cursor', message: /pass nextCursor from the previous page unchanged/ },
  'a cursor of the wrong shape': { method: 'GET', path: `/events?cursor=${cursorOf({ id: 1 })}`, status: 400, error: 'invalid_cursor', message: /nextCursor/ },
  'a cursor with an unsafe integer': { method: 'GET', path: `/events?cursor=${cursorOf([1e20, 'x'])}`, status: 400, error: 'invalid_cursor', message: /nextCursor/ },
  'window 0': { method: 'GET', path: '/patterns?window=0', status: 400, error: 'invalid_query', message: /window is in seconds, an integer from 1 to 86400/ },
  'window abc': { method: 'GET', path: '/patterns?window=abc', status: 400, error: 'invalid_query', message: /window is in seconds/ },
  'window 1e12': { method: 'GET', path: '/patterns?window=1e12', status: 400, error: 'invalid_query', message: /window is in seconds/ },
  // Patterns
  'SQL as a pattern name': { path: '/patterns', body: json({ name: DROP, eventTypes: ['a'] }), status: 400, error: 'invalid_pattern', message: /name must be 1-64 lowercase letters/ },
  'eventTypes not an array': { path: '/patterns', body: json({ name: 'p', eventTypes: 'a' }), status: 400, error: 'invalid_pattern', message: /eventTypes must be a non-empty array/ },
  'a description of 1001 characters': { path: '/patterns', body: json({ name: 'p', eventTypes: ['a'], description: 'd'.repeat(1_001) }), status: 400, error: 'invalid_pattern', message: /description must be a string of at most 1000 characters/ },
  'a pattern that is not JSON': { path: '/patterns', body: '{name:', status: 400, error: 'invalid_json', message: /not valid JSON/ },
};

/** Valid events whose free-text fields are hostile: stored and read back byte for byte. */
const HOSTILE_TEXT = [
  DROP,
  OR_TRUE,
  "Robert'); DROP TABLE students;--",
  '" OR ""="',
  '\\\\\\\'',
  '👩🏽‍💻🇺🇦 family: 👨‍👩‍👧‍👦',
  'שלום עולם مرحبا',
  'e\u0301 a\u030A n\u0303 (combining)',
  '\u202Egnp.exe \u200B\u200D\uFEFF',
  'tab\there, newline\nhere, NUL\u0000, ESC\u001b[31m, DEL\u007f',
  '%s %d {{7*7}} ${7*7} <script>alert(1)</script>',
];

function valid(prefix: string): Array<{ id: string; type: string; source: string; timestamp: string; payload: Record<string, unknown> }> {
  const base = Date.now() - 120_000;
  return HOSTILE_TEXT.map((text, i) => ({
    id: `${prefix}-${i}`,
    type: 'hostile.text',
    // source is a label: free text, but no control characters.
    source: text.replace(/[\u0000-\u001f\u007f]/g, '_'), // eslint-disable-line no-control-regex
    timestamp: new Date(base + i).toISOString(),
    payload: { text, [text]: i, nested: { list: [text, { deeper: text }] } },
  }));
}

describeServers('HTTP bad-input tests', ['nats-server', 'clickhouse-server'])('HTTP bad input against the real app, NATS and ClickHouse', () => {
  let nats: NatsTestServer;
  let ch: ClickHouseTestServer;
  let app: QraftApp;
  let url: string;
  let logs = '';

  /** ClickHouse's own answer, over its HTTP interface with the test server's credentials. */
  async function clickhouse(sql: string): Promise<string> {
    const res = await fetch(`${ch.url}/?query=${encodeURIComponent(sql)}`, { headers: { 'X-ClickHouse-User': ch.user, 'X-ClickHouse-Key': ch.password } });
    const text = await res.text();
    if (!res.ok) throw new Error(`ClickHouse answered ${res.status}: ${text}`);
    return text;
  }

  beforeAll(async () => {
    nats = await startNats();
    ch = await startClickHouse();
    const stdout = new PassThrough();
    stdout.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    app = new QraftApp(loadConfig(testEnv(nats, ch, { ...LIMITS, QRAFT_LOG_LEVEL: 'debug' })), createLogger({ level: 'debug', stdout }));
    url = await app.start();
    await app.whenStarted();
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    await ch?.[Symbol.asyncDispose]();
    await nats?.[Symbol.asyncDispose]();
  });

  it.each(Object.entries(CORPUS))('answers %s with a 4xx JSON error whose message says what to change', async (_name, bad) => {
    const headers: Record<string, string> = {};
    if (bad.contentType !== null) headers['content-type'] = bad.contentType ?? 'application/json';
    const method = bad.method ?? 'POST';
    const response = await fetch(`${url}${bad.path}`, { method, headers, body: method === 'GET' ? undefined : bad.body });
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as Record<string, unknown>;
    expect({ status: response.status, error: body['error'], message: body['message'] }).toEqual({
      status: bad.status,
      error: bad.error,
      message: expect.stringMatching(bad.message),
    });
  });

  it('stays up after the corpus and stores none of it: ClickHouse holds only the valid events posted after it', async () => {
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const events = valid('after-corpus');
    const posted = await fetch(`${url}/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: json(events.slice(0, 5)) });
    expect(posted.status).toBe(202);
    await waitFor('the 5 valid events in ClickHouse', async () => (await clickhouse('SELECT count() FROM qraft.events')).trim() === '5');
    // One more batch interval: anything from the corpus that slipped through would arrive with or before them.
    await new Promise((r) => setTimeout(r, 500));
    expect((await clickhouse('SELECT id FROM qraft.events ORDER BY id FORMAT TSV')).trim().split('\n')).toEqual(events.slice(0, 5).map((e) => e.id));
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/qraft_events_rejected_total\{reason="invalid_event"\} [1-9]/);
  });

  it('stores valid events with unicode, control characters and SQL-looking strings verbatim, read back byte-equal over HTTP and from ClickHouse', async () => {
    const events = valid('verbatim');
    for (let i = 0; i < events.length; i += 5) {
      const posted = await fetch(`${url}/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: json(events.slice(i, i + 5)) });
      expect(posted.status).toBe(202);
    }
    const from = new Date(Date.now() - 600_000).toISOString();
    let served: unknown[] = [];
    await waitFor(`${events.length} hostile-text events served`, async () => {
      const page = (await (await fetch(`${url}/events?type=hostile.text&from=${from}&limit=50`)).json()) as { events: Array<{ id: string }> };
      served = page.events.filter((e) => e.id.startsWith('verbatim-'));
      return served.length === events.length;
    });
    // Newest first; JSON.stringify of the served event equals that of the posted one, byte for byte.
    expect(served.map((e) => json(e))).toEqual([...events].reverse().map((e) => json(e)));

    const rows = (await clickhouse(`SELECT id, hex(source) AS source, hex(payload) AS payload FROM qraft.events FINAL WHERE id LIKE 'verbatim-%' ORDER BY id FORMAT JSONEachRow`))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; source: string; payload: string });
    const hex = (text: string) => Buffer.from(text, 'utf8').toString('hex').toUpperCase();
    const expected = [...events].sort((a, b) => (a.id < b.id ? -1 : 1)).map((e) => ({ id: e.id, source: hex(e.source), payload: hex(json(e.payload)) }));
    expect(rows).toEqual(expected);
    expect(await clickhouse('EXISTS TABLE qraft.events')).toBe('1\n');
  });

  it('writes request logs that carry no credentials', () => {
    expect(logs).toContain('"msg":"request"');
    expect(logs).toContain('"statusCode":415');
    expect(logs).not.toContain(ch.password);
    expect(logs).not.toMatch(/password["']?\s*[=:]\s*["']?[^"'\s,}]{4,}/i);
  });
});

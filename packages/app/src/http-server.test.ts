import type { HealthReport } from '@qraft/health';
import { once } from 'node:events';
import { request as httpRequest, Agent, type IncomingMessage } from 'node:http';
import { connect, createServer, type Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { createClickHouseClient, EventStore } from './event-store';
import type { GracefulHttpServer } from './graceful-http-server';
import { buildHttpServer } from './http-server';
import { createLogger } from './logger';
import { AppMetrics } from './metrics';

const BODY_LIMIT = 1_024;
const READY: HealthReport = { ok: true, state: 'up', checkedAt: new Date(0).toISOString(), durationMs: 0, checks: [] };

/**
 * The HTTP server without NATS or ClickHouse: POST /events answers 503 nats_unavailable once its body is parsed,
 * and /readyz waits for `release()` — a request held in flight for as long as a test needs.
 */
async function startServer(port = 0): Promise<{ server: GracefulHttpServer; port: number; logs: () => string; readyzCalled: Promise<void>; release: () => void; [Symbol.asyncDispose]: () => Promise<void> }> {
  let logs = '';
  const stdout = new PassThrough();
  stdout.on('data', (chunk: Buffer) => (logs += chunk.toString()));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let called!: () => void;
  const readyzCalled = new Promise<void>((resolve) => (called = resolve));
  const server = buildHttpServer({
    logger: createLogger({ level: 'debug', stdout }),
    metrics: new AppMetrics(),
    // Never reached by these tests: nothing here queries events or patterns.
    store: new EventStore(createClickHouseClient({ url: 'http://127.0.0.1:9', user: 'default', password: '' }), 'qraft'),
    bus: () => undefined,
    readiness: async () => {
      called();
      await released;
      return READY;
    },
    bodyLimitBytes: BODY_LIMIT,
    eventMaxBytes: 512,
    publishBatchMax: 10,
    envelopeMaxEvents: 10,
    envelopeMaxBytes: 4_096,
    queryMaxLimit: 100,
    queryMaxRangeMs: 3_600_000,
  });
  await server.listen('127.0.0.1', port);
  return {
    server,
    port: server.port,
    logs: () => logs,
    readyzCalled,
    release,
    [Symbol.asyncDispose]: async () => {
      release();
      await server.close();
    },
  };
}

/** A raw HTTP/1.1 exchange: writes `text`, returns everything the server sent until it closed the connection. */
async function rawExchange(port: number, text: string): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  socket.write(text);
  await once(socket, 'close');
  return received;
}

function get(port: number, path: string, agent: Agent): Promise<{ response: IncomingMessage; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, agent }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ response, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the app HTTP server (hono on node:http)', () => {
  it('lets a request in flight finish when it closes, then ends that keep-alive connection instead of holding the close for 72 s', async () => {
    await using running = await startServer();
    const agent = new Agent({ keepAlive: true });
    const sockets: Socket[] = [];
    agent.on('free', (socket: Socket) => sockets.push(socket));
    const inFlight = get(running.port, '/readyz', agent);
    await running.readyzCalled;
    const closed = running.server.close();
    running.release();
    const { response, body } = await inFlight;
    expect({ status: response.statusCode, connection: response.headers.connection, body: JSON.parse(body) as unknown }).toEqual({
      status: 200,
      connection: 'close',
      body: expect.objectContaining({ ok: true }),
    });
    // Resolves only once every connection has ended: with the keep-alive connection left open it would not resolve
    // before the test's own timeout.
    await closed;
    expect(running.server.server.listening).toBe(false);
    agent.destroy();
  });

  it('answers a request that arrives on an open connection while it closes with 503 shutting_down and closes that connection', async () => {
    await using running = await startServer();
    // One request held in flight keeps the server closing; a second connection has sent part of its request.
    const agent = new Agent({ keepAlive: true });
    const inFlight = get(running.port, '/readyz', agent);
    await running.readyzCalled;
    const late = connect(running.port, '127.0.0.1');
    await once(late, 'connect');
    let received = '';
    late.on('data', (chunk: Buffer) => (received += chunk.toString()));
    late.write('GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\n');
    const closed = running.server.close();
    late.write('\r\n');
    await once(late, 'close');
    expect(received).toMatch(/^HTTP\/1\.1 503 /);
    expect(received.toLowerCase()).toContain('connection: close');
    expect(JSON.parse(received.slice(received.indexOf('\r\n\r\n') + 4))).toEqual({ error: 'shutting_down', message: expect.stringContaining('shutting down') });
    running.release();
    await inFlight;
    await closed;
    agent.destroy();
  });

  it('answers malformed HTTP with a JSON 400 bad_request', async () => {
    await using running = await startServer();
    const answer = await rawExchange(running.port, 'NOT HTTP AT ALL\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual({ error: 'bad_request', message: expect.stringContaining('not valid HTTP/1.1') });
  });

  it('refuses a chunked body over the limit with 413 body_too_large, counting what it reads, and parses one under it', async () => {
    await using running = await startServer();
    const post = (body: string) =>
      rawExchange(running.port, `POST /events HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`);
    const over = await post(JSON.stringify({ type: 'a.b', source: 's', payload: { blob: 'x'.repeat(BODY_LIMIT) } }));
    expect(over).toMatch(/^HTTP\/1\.1 413 /);
    expect(over).toContain(`"error":"body_too_large"`);
    expect(over).toContain(`larger than ${BODY_LIMIT} bytes (QRAFT_HTTP_BODY_LIMIT_BYTES)`);
    // Valid and within the limit: it gets as far as publishing, which this server without NATS cannot do.
    const under = await post(JSON.stringify({ type: 'a.b', source: 's', payload: {} }));
    expect(under).toMatch(/^HTTP\/1\.1 503 /);
    expect(under.toLowerCase()).toContain('retry-after: 5');
    expect(under).toContain(`"error":"nats_unavailable"`);
  });

  it('answers HEAD /healthz like GET, without a body, and logs probes at debug with a request id', async () => {
    await using running = await startServer();
    const answer = await rawExchange(running.port, 'HEAD /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer.endsWith('\r\n\r\n')).toBe(true);
    const line = running.logs().split('\n').find((l) => l.includes('"msg":"request"'));
    expect(JSON.parse(line ?? '{}')).toEqual(
      expect.objectContaining({ level: 20, component: 'http', reqId: expect.stringMatching(/^req-/), method: 'HEAD', url: '/healthz', statusCode: 200 }),
    );
  });

  it('rejects listen on a port in use with EADDRINUSE', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      await expect(startServer((taken.address() as { port: number }).port)).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      taken.close();
    }
  });
});

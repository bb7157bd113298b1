import { reportToJson, type HealthReport } from '@qraft/health';
import type { HttpBindings } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from 'pino';
import { isEventType, validateEvent, type QraftEvent } from './event';
import type { EventStore, PageCursor } from './event-store';
import { GracefulHttpServer } from './graceful-http-server';
import { HttpError } from './http-error';
import { jsonBody, type JsonBodyVariables } from './json-body';
import type { AppMetrics } from './metrics';
import type { NatsBus } from './nats-bus';


export interface HttpServerOptions {
  readonly logger: Logger;
  readonly metrics: AppMetrics;
  readonly store: EventStore;
  /** The NATS side, once connected; POST /events answers 503 until then. */
  readonly bus: () => NatsBus | undefined;
  /** The readiness report; with `waitMs`, given once start-up has finished or that long has passed, whichever is first. */
  readonly readiness: (waitMs?: number) => Promise<HealthReport>;
  readonly bodyLimitBytes: number;
  readonly eventMaxBytes: number;
  readonly publishBatchMax: number;
  /** An array request is published as envelopes of at most this many events and bytes. */
  readonly envelopeMaxEvents: number;
  readonly envelopeMaxBytes: number;
  readonly queryMaxLimit: number;
  readonly queryMaxRangeMs: number;
  readonly now?: () => number;
}

const DEFAULT_RANGE_MS = 3_600_000;
const DEFAULT_LIMIT = 100;
const PATTERN_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** The latest time a query may name: ClickHouse 18.16's DateTime ends in 2106. */
const MAX_QUERY_TIME_MS = Date.UTC(2106, 0, 1);

/** The longest `/readyz?wait_ms=` (a readiness gate's request should stay under its own time limit). */
const MAX_READY_WAIT_MS = 10_000;

/** One query parameter; a repeated one (`?type=a&type=b`) arrives as an array and is refused. */
function queryParam(query: Record<string, string[]>, name: string): string | undefined {
  const values = query[name];
  if (values !== undefined && values.length > 1) throw new HttpError(400, 'invalid_query', `${name} is given ${values.length} times; give it once`);
  return values?.[0];
}

function parseTime(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) throw new HttpError(400, 'invalid_query', `${name}=${value} is not a time; use ISO-8601 (2025-01-31T12:00:00Z) or epoch milliseconds`);
  if (ms < 0 || ms >= MAX_QUERY_TIME_MS) throw new HttpError(400, 'invalid_query', `${name}=${value} is outside 1970-01-01 to 2106-01-01; use a time in that range`);
  return ms;
}

function encodeCursor(cursor: PageCursor | undefined): string | null {
  return cursor ? Buffer.from(JSON.stringify([cursor.timestampMs, cursor.id])).toString('base64url') : null;
}

function decodeCursor(value: string | undefined): PageCursor | undefined {
  if (value === undefined || value === '') return undefined;
  try {
    const [timestampMs, id] = JSON.parse(Buffer.from(String(value), 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof timestampMs === 'number' && Number.isSafeInteger(timestampMs) && typeof id === 'string') return { timestampMs, id };
  } catch {
    // fall through to the error below
  }
  throw new HttpError(400, 'invalid_cursor', 'cursor is not one this API returned; pass nextCursor from the previous page unchanged');
}

function storeUnavailable(error: unknown): HttpError {
  return new HttpError(503, 'clickhouse_unavailable', `ClickHouse did not answer (${(error as Error).message}); retry shortly — see /readyz`);
}

/**
 * Splits serialised events, in order, into runs that each fit one envelope: at most `maxEvents` events and
 * `maxBytes` bytes as a JSON array (`[a,b,…]`).
 */
export function envelopeChunks(serialised: readonly string[], maxEvents: number, maxBytes: number): Array<{ start: number; count: number }> {
  const chunks: Array<{ start: number; count: number }> = [];
  let start = 0;
  let bytes = 2;
  for (let i = 0; i < serialised.length; i++) {
    const size = Buffer.byteLength(serialised[i]!) + (i > start ? 1 : 0);
    if (i > start && (i - start >= maxEvents || bytes + size > maxBytes)) {
      chunks.push({ start, count: i - start });
      start = i;
      bytes = 2 + Buffer.byteLength(serialised[i]!);
    } else {
      bytes += size;
    }
  }
  if (serialised.length > start) chunks.push({ start, count: serialised.length - start });
  return chunks;
}

type ApiEnv = { Bindings: HttpBindings; Variables: JsonBodyVariables & { reqId: string } };

const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };
/** Probes and scrapes: logged at debug, so a 1 s scrape interval does not flood the info log. */
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/** The request line as the client sent it (path and query), for logs and the 404 message. */
function requestUrl(c: Context<ApiEnv>): string {
  const raw = c.env?.incoming?.url;
  if (raw !== undefined) return raw;
  const url = new URL(c.req.url);
  return url.pathname + url.search;
}

/** The HTTP API, not yet listening: events in and out, patterns, health, readiness and metrics. */
export function buildHttpServer(options: HttpServerOptions): GracefulHttpServer {
  const server: GracefulHttpServer = new GracefulHttpServer((request, env) => app.fetch(request, env));
  const closing = () => server.closing;
  const now = options.now ?? Date.now;
  const log = options.logger.child({ component: 'http' });
  const app = new Hono<ApiEnv>();
  let requests = 0;

  // Outermost: the request log line (once per request, with the status the error handler chose), and the drain
  // during shutdown — a request arriving then gets 503, and every response closes its keep-alive connection, so
  // the server's close is not held up by idle sockets.
  app.use(async (c, next) => {
    const started = performance.now();
    requests = (requests + 1) % Number.MAX_SAFE_INTEGER;
    const reqId = `req-${requests.toString(36)}`;
    c.set('reqId', reqId);
    if (closing()) {
      c.res = c.json({ error: 'shutting_down', message: 'the app is shutting down; send the request again, to another instance or once it is back' }, 503, { ...JSON_TYPE, connection: 'close' });
    } else {
      await next();
      if (closing()) c.header('connection', 'close');
    }
    const fields = { reqId, method: c.req.method, url: requestUrl(c), statusCode: c.res.status, ms: Math.round(performance.now() - started) };
    if (QUIET_PATHS.has(c.req.path) && (c.req.method === 'GET' || c.req.method === 'HEAD')) log.debug(fields, 'request');
    else log.info(fields, 'request');
  });

  app.onError((error, c) => {
    if (error instanceof HttpError) return c.json(error.toJSON(), error.statusCode as ContentfulStatusCode, JSON_TYPE);
    log.error({ reqId: c.get('reqId'), err: error }, 'request failed');
    return c.json({ error: 'internal', message: 'the app failed to handle this request; see its logs' }, 500, JSON_TYPE);
  });

  app.notFound((c) =>
    c.json({ error: 'not_found', message: `no route ${c.req.method} ${requestUrl(c)}; see the API list in the app README` }, 404, JSON_TYPE),
  );

  app.get('/healthz', (c) => c.json({ status: 'ok' }, 200, JSON_TYPE));

  app.get('/readyz', async (c) => {
    // ?wait_ms=N: answer as soon as start-up has finished (or after N ms), so a gate learns the moment the app is ready
    // from one request instead of polling.
    const waitText = queryParam(c.req.queries(), 'wait_ms');
    if (waitText !== undefined && !(/^\d+$/.test(waitText) && Number(waitText) <= MAX_READY_WAIT_MS)) {
      throw new HttpError(400, 'invalid_query', `wait_ms=${waitText} is not a wait; use whole milliseconds from 0 to ${MAX_READY_WAIT_MS}`);
    }
    const report = await options.readiness(waitText === undefined ? undefined : Number(waitText));
    return c.body(reportToJson(report), report.ok ? 200 : 503, JSON_TYPE);
  });

  app.get('/metrics', async (c) => c.body(await options.metrics.registry.metrics(), 200, { 'content-type': options.metrics.registry.contentType }));

  const parseJson = jsonBody(options.bodyLimitBytes);

  app.post('/events', parseJson, async (c) => {
    const body = c.get('body');
    const items: unknown[] = Array.isArray(body) ? body : [body];
    if (items.length === 0) throw new HttpError(400, 'invalid_event', 'the batch is empty; send one event object or an array of them');
    if (items.length > options.publishBatchMax) {
      throw new HttpError(413, 'batch_too_large', `${items.length} events in one request; the limit is ${options.publishBatchMax} (QRAFT_PUBLISH_BATCH_MAX) — split the batch`);
    }
    const events: QraftEvent[] = [];
    const serialised: string[] = [];
    const problems: Array<{ index: number; reason: string; detail: string }> = [];
    items.forEach((item, index) => {
      const result = validateEvent(item, { fill: true, now: () => new Date(now()) });
      if (!result.ok) {
        problems.push({ index, reason: result.reason, detail: result.detail });
        return;
      }
      const json = JSON.stringify(result.event);
      const bytes = Buffer.byteLength(json);
      if (bytes > options.eventMaxBytes) {
        problems.push({ index, reason: 'too_large', detail: `event is ${bytes} bytes; the limit is ${options.eventMaxBytes} (QRAFT_EVENT_MAX_BYTES)` });
        return;
      }
      events.push(result.event);
      serialised.push(json);
    });
    if (problems.length > 0) {
      for (const p of problems) options.metrics.eventsRejected.inc({ reason: p.reason });
      const first = problems[0]!;
      throw new HttpError(400, 'invalid_event', `${problems.length} of ${items.length} event(s) invalid, none published; first: event ${first.index}: ${first.detail}`, problems);
    }
    const bus = options.bus();
    if (!bus) {
      c.header('retry-after', '5');
      throw new HttpError(503, 'nats_unavailable', 'the app is not connected to NATS yet; retry shortly — see /readyz');
    }
    try {
      if (Array.isArray(body)) {
        // An array is one envelope (more only past the envelope limits; a lone event stays a plain message).
        const chunks = envelopeChunks(serialised, options.envelopeMaxEvents, options.envelopeMaxBytes);
        const singles = chunks.filter((c) => c.count === 1).map((c) => events[c.start]!);
        const envelopes = chunks
          .filter((c) => c.count > 1)
          .map((c) => ({ events: events.slice(c.start, c.start + c.count), data: `[${serialised.slice(c.start, c.start + c.count).join(',')}]` }));
        const [singleAcks, envelopeAcks] = await Promise.all([singles.length > 0 ? bus.publishEvents(singles) : [], envelopes.length > 0 ? bus.publishEnvelopes(envelopes) : []]);
        const stored = envelopeAcks.flatMap((a, i) => (a.duplicate ? [] : [envelopes[i]!.events.length]));
        options.metrics.envelopesPublished.inc(stored.length);
        options.metrics.eventsPublished.inc(singleAcks.filter((a) => !a.duplicate).length + stored.reduce((a, b) => a + b, 0));
      } else {
        const acks = await bus.publishEvents(events);
        options.metrics.eventsPublished.inc(acks.filter((a) => !a.duplicate).length);
      }
    } catch (error) {
      c.header('retry-after', '5');
      throw new HttpError(503, 'nats_unavailable', `JetStream did not store the events (${(error as Error).message}); nothing is lost by retrying the same request — ids dedupe`);
    }
    return c.json({ ids: events.map((e) => e.id) }, 202, JSON_TYPE);
  });

  app.get('/events', async (c) => {
    const q = c.req.queries();
    const toMs = parseTime('to', queryParam(q, 'to'), now());
    const fromMs = parseTime('from', queryParam(q, 'from'), toMs - DEFAULT_RANGE_MS);
    if (fromMs >= toMs) throw new HttpError(400, 'invalid_query', 'from must be before to');
    if (toMs - fromMs > options.queryMaxRangeMs) {
      throw new HttpError(400, 'range_too_large', `the time range is ${toMs - fromMs} ms; the limit is ${options.queryMaxRangeMs} ms (QRAFT_QUERY_MAX_RANGE_MS) — narrow from/to`);
    }
    const limitText = queryParam(q, 'limit');
    // A QRAFT_QUERY_MAX_LIMIT below the default lowers the default too, so a plain GET /events still works.
    const limit = limitText === undefined ? Math.min(DEFAULT_LIMIT, options.queryMaxLimit) : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > options.queryMaxLimit) {
      throw new HttpError(400, 'invalid_query', `limit must be an integer from 1 to ${options.queryMaxLimit} (QRAFT_QUERY_MAX_LIMIT); page with nextCursor for more`);
    }
    const typeText = queryParam(q, 'type');
    const type = typeText === undefined || typeText === '' ? undefined : typeText;
    if (type !== undefined && !isEventType(type)) {
      throw new HttpError(400, 'invalid_query', 'type must be an event type: dot-separated tokens of letters, digits, _ and - (e.g. "order.created")');
    }
    const cursor = decodeCursor(queryParam(q, 'cursor'));
    let page;
    try {
      page = await options.store.queryEvents({ type, fromMs, toMs, limit, cursor });
    } catch (error) {
      throw storeUnavailable(error);
    }
    return c.json({ events: page.events, nextCursor: encodeCursor(page.nextCursor) }, 200, JSON_TYPE);
  });

  app.get('/patterns', async (c) => {
    const windowText = queryParam(c.req.queries(), 'window');
    const windowSeconds = windowText === undefined ? DEFAULT_RANGE_MS / 1000 : Number(windowText);
    if (!Number.isInteger(windowSeconds) || windowSeconds < 1 || windowSeconds * 1000 > options.queryMaxRangeMs) {
      throw new HttpError(400, 'invalid_query', `window is in seconds, an integer from 1 to ${Math.floor(options.queryMaxRangeMs / 1000)} (QRAFT_QUERY_MAX_RANGE_MS)`);
    }
    const toMs = now();
    const fromMs = toMs - windowSeconds * 1000;
    let patterns;
    try {
      patterns = await options.store.patternsWithCounts(fromMs, toMs);
    } catch (error) {
      throw storeUnavailable(error);
    }
    return c.json({ window: { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() }, patterns }, 200, JSON_TYPE);
  });

  app.post('/patterns', parseJson, async (c) => {
    const body = c.get('body') as Record<string, unknown> | null | undefined;
    const problems: string[] = [];
    const name = body?.['name'];
    const eventTypes = body?.['eventTypes'];
    const description = body?.['description'] ?? '';
    if (typeof name !== 'string' || !PATTERN_NAME.test(name)) problems.push('name must be 1-64 lowercase letters, digits, _ or -, starting with a letter or digit');
    if (!Array.isArray(eventTypes) || eventTypes.length === 0 || eventTypes.length > 100 || !eventTypes.every((t) => typeof t === 'string' && t.length > 0 && t.length <= 128)) {
      problems.push('eventTypes must be a non-empty array of up to 100 event type strings');
    }
    if (typeof description !== 'string' || description.length > 1_000) problems.push('description must be a string of at most 1000 characters');
    if (problems.length > 0) throw new HttpError(400, 'invalid_pattern', problems.join('; '));
    const pattern = { name: name as string, eventTypes: eventTypes as string[], description: description as string };
    try {
      if (await options.store.patternExists(pattern.name)) {
        throw new HttpError(409, 'pattern_exists', `a pattern named ${pattern.name} already exists; choose another name`);
      }
      await options.store.createPattern(pattern);
    } catch (error) {
      if (error instanceof HttpError) throw error;
      throw storeUnavailable(error);
    }
    return c.json(pattern, 201, JSON_TYPE);
  });

  return server;
}

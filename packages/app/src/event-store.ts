import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { Readable } from 'node:stream';
import type { QraftEvent } from './event';
import { EVENT_ROW_COLUMNS, eventRow } from './event-row';
import { sqlDateTime, sqlInt, sqlString, sqlStringArray } from './sql';

export interface EventQuery {
  readonly type?: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly limit: number;
  /** From a previous page's `nextCursor`. */
  readonly cursor?: PageCursor;
}

/** Position after the last event of a page: events are returned newest first, ordered by (timestamp, id). */
export interface PageCursor {
  readonly timestampMs: number;
  readonly id: string;
}

export interface EventPage {
  readonly events: readonly QraftEvent[];
  readonly nextCursor: PageCursor | undefined;
}

export interface Pattern {
  readonly name: string;
  readonly eventTypes: readonly string[];
  readonly description: string;
}

export interface PatternWithCount extends Pattern {
  readonly matchingEvents: number;
}

interface EventRow {
  id: string;
  type: string;
  source: string;
  timestamp_ms: string | number;
  payload: string;
}

export interface ClickHouseConnectionOptions {
  readonly url: string;
  readonly user: string;
  readonly password: string;
  readonly requestTimeoutMs?: number;
}

export function createClickHouseClient(options: ClickHouseConnectionOptions): ClickHouseClient {
  return createClient({
    url: options.url,
    username: options.user,
    password: options.password,
    request_timeout: options.requestTimeoutMs ?? 30_000,
    application: 'qraft-app',
    // The app logs every failure itself, with what it does about it; the client's own console lines would repeat them.
    log: { level: ClickHouseLogLevel.OFF },
  });
}

/** Rows encoded per chunk of an insert body built from events. */
const INSERT_CHUNK_ROWS = 1_000;

/** The app's view of ClickHouse: writes batches, reads with FINAL so a redelivered event is never seen twice. */
export class EventStore {
  constructor(
    readonly client: ClickHouseClient,
    readonly database: string,
  ) {}

  /** Whether ClickHouse answers its `/ping`; `signal` limits the wait (a lost SYN alone costs a second). */
  async ping(signal?: AbortSignal): Promise<void> {
    const result = await this.client.ping(signal ? { select: false, abort_signal: signal } : undefined);
    if (!result.success) throw result.error;
  }

  /**
   * One INSERT for the whole batch, as TabSeparated text built here: measured against the client's JSONEachRow
   * (an object per row, serialised by the client) it takes half the app's CPU per row and less of ClickHouse's
   * (bench/insert-formats.ts).
   */
  async insertEvents(events: readonly QraftEvent[], ingestedAtMs = Date.now()): Promise<void> {
    if (events.length === 0) return;
    const ingestedAt = sqlDateTime(ingestedAtMs);
    // Encoded 1 000 rows at a time and streamed: half the CPU of one joined body (bench/insert-formats.ts).
    const chunks: Buffer[] = [];
    for (let i = 0; i < events.length; i += INSERT_CHUNK_ROWS) {
      let text = '';
      for (const e of events.slice(i, i + INSERT_CHUNK_ROWS)) text += eventRow(e, JSON.stringify(e.payload), ingestedAt);
      chunks.push(Buffer.from(text));
    }
    await this.insertRowChunks(chunks);
  }

  /**
   * One INSERT of TabSeparated rows built by eventRow, already encoded in chunks of whole rows (the ingestor encodes
   * each message's rows as it decodes them), streamed as the request body without joining them first.
   */
  async insertRowChunks(chunks: readonly Uint8Array[]): Promise<void> {
    if (chunks.length === 0) return;
    await this.client.insert({
      table: `${this.database}.events`,
      columns: [...EVENT_ROW_COLUMNS],
      format: 'TabSeparated',
      values: Readable.from(chunks, { objectMode: false }),
    });
  }

  async queryEvents(query: EventQuery): Promise<EventPage> {
    const where = [
      // The DateTime bounds let ClickHouse prune partitions; the millisecond ones are exact.
      `timestamp >= toDateTime(${sqlString(sqlDateTime(Math.floor(query.fromMs / 1000) * 1000))}, 'UTC')`,
      `timestamp <= toDateTime(${sqlString(sqlDateTime(query.toMs))}, 'UTC')`,
      `timestamp_ms >= ${sqlInt(query.fromMs)}`,
      `timestamp_ms < ${sqlInt(query.toMs)}`,
    ];
    if (query.type !== undefined) where.push(`type = ${sqlString(query.type)}`);
    if (query.cursor) {
      const { timestampMs, id } = query.cursor;
      where.push(`(timestamp_ms < ${sqlInt(timestampMs)} OR (timestamp_ms = ${sqlInt(timestampMs)} AND id < ${sqlString(id)}))`);
    }
    const result = await this.client.query({
      query: `SELECT id, type, source, timestamp_ms, payload FROM ${this.database}.events FINAL
WHERE ${where.join(' AND ')}
ORDER BY timestamp_ms DESC, id DESC
LIMIT ${sqlInt(query.limit + 1)}`,
      format: 'JSONEachRow',
    });
    const rows = await result.json<EventRow>();
    const page = rows.slice(0, query.limit);
    const events = page.map((r) => ({
      id: r.id,
      type: r.type,
      source: r.source,
      timestamp: new Date(Number(r.timestamp_ms)).toISOString(),
      payload: JSON.parse(r.payload) as Record<string, unknown>,
    }));
    const last = page.at(-1);
    return {
      events,
      nextCursor: rows.length > query.limit && last ? { timestampMs: Number(last.timestamp_ms), id: last.id } : undefined,
    };
  }

  /** Rows visible to readers (deduplicated), optionally only these ids. */
  async countEvents(ids?: readonly string[]): Promise<number> {
    const where = ids ? `WHERE id IN (${ids.map(sqlString).join(', ')})` : '';
    const result = await this.client.query({ query: `SELECT count() AS n FROM ${this.database}.events FINAL ${where}`, format: 'JSONEachRow' });
    const [row] = await result.json<{ n: string | number }>();
    return Number(row?.n ?? 0);
  }

  async listPatterns(): Promise<Pattern[]> {
    const result = await this.client.query({
      query: `SELECT name, event_types, description FROM ${this.database}.patterns FINAL ORDER BY name`,
      format: 'JSONEachRow',
    });
    return (await result.json<{ name: string; event_types: string[]; description: string }>()).map((r) => ({
      name: r.name,
      eventTypes: r.event_types,
      description: r.description,
    }));
  }

  /** Patterns with how many stored events of their types fall in [fromMs, toMs). */
  async patternsWithCounts(fromMs: number, toMs: number): Promise<PatternWithCount[]> {
    const patterns = await this.listPatterns();
    const result = await this.client.query({
      query: `SELECT type, count() AS n FROM ${this.database}.events FINAL
WHERE timestamp_ms >= ${sqlInt(fromMs)} AND timestamp_ms < ${sqlInt(toMs)}
  AND timestamp >= toDateTime(${sqlString(sqlDateTime(Math.floor(fromMs / 1000) * 1000))}, 'UTC')
GROUP BY type`,
      format: 'JSONEachRow',
    });
    const counts = new Map((await result.json<{ type: string; n: string | number }>()).map((r) => [r.type, Number(r.n)]));
    return patterns.map((p) => ({ ...p, matchingEvents: p.eventTypes.reduce((sum, t) => sum + (counts.get(t) ?? 0), 0) }));
  }

  async patternExists(name: string): Promise<boolean> {
    const result = await this.client.query({
      query: `SELECT count() AS n FROM ${this.database}.patterns FINAL WHERE name = ${sqlString(name)}`,
      format: 'JSONEachRow',
    });
    const [row] = await result.json<{ n: string | number }>();
    return Number(row?.n ?? 0) > 0;
  }

  async createPattern(pattern: Pattern): Promise<void> {
    await this.client.command({
      query: `INSERT INTO ${this.database}.patterns (name, event_types, description, created_at) VALUES (${sqlString(pattern.name)}, ${sqlStringArray(pattern.eventTypes)}, ${sqlString(pattern.description)}, now())`,
    });
  }
}

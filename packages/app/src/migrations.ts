import type { ClickHouseClient } from '@clickhouse/client';
import { sqlInt, sqlString, sqlStringArray } from './sql';

/** One schema step. Statements are idempotent on their own; the version table makes a rerun skip them entirely. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: (database: string) => readonly string[];
}

export interface SeedPattern {
  readonly name: string;
  readonly eventTypes: readonly string[];
  readonly description: string;
}

export const SEED_PATTERNS: readonly SeedPattern[] = [
  { name: 'order-lifecycle', eventTypes: ['order.created', 'order.paid', 'order.shipped'], description: 'An order from creation to shipping.' },
  { name: 'user-signup', eventTypes: ['user.signed_up', 'user.verified'], description: 'A new user joining.' },
  { name: 'errors', eventTypes: ['app.error', 'app.crash'], description: 'Application failures.' },
];

/*
 * Written for ClickHouse 18.16 (the offline image) and current releases alike: no LowCardinality, no
 * DateTime64, no TTL, no query parameters. Events dedupe through ReplacingMergeTree: a redelivered event is the
 * same message, so it has the same sorting key (type, timestamp, id) and collapses to one row; readers use FINAL
 * so they never see the copy before a background merge removes it.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'create database and events table',
    statements: (db) => [
      `CREATE DATABASE IF NOT EXISTS ${db}`,
      `CREATE TABLE IF NOT EXISTS ${db}.events (
  id String,
  type String,
  source String,
  timestamp DateTime('UTC'),
  timestamp_ms UInt64,
  payload String,
  ingested_at DateTime('UTC')
) ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(timestamp)
ORDER BY (type, timestamp, id)`,
    ],
  },
  {
    version: 2,
    name: 'create patterns table',
    statements: (db) => [
      `CREATE TABLE IF NOT EXISTS ${db}.patterns (
  name String,
  event_types Array(String),
  description String,
  created_at DateTime('UTC')
) ENGINE = ReplacingMergeTree()
ORDER BY name`,
    ],
  },
  {
    version: 3,
    name: 'seed patterns',
    // Inserting an existing name again is harmless: patterns is a ReplacingMergeTree keyed by name, read with FINAL.
    statements: (db) => [
      `INSERT INTO ${db}.patterns (name, event_types, description, created_at) VALUES ${SEED_PATTERNS.map(
        (p) => `(${sqlString(p.name)}, ${sqlStringArray(p.eventTypes)}, ${sqlString(p.description)}, toDateTime('2025-01-01 00:00:00', 'UTC'))`,
      ).join(', ')}`,
    ],
  },
];

export const SCHEMA_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));

export interface MigrationResult {
  readonly applied: readonly number[];
  readonly version: number;
}

async function appliedVersions(client: ClickHouseClient, db: string): Promise<Set<number>> {
  const result = await client.query({ query: `SELECT version FROM ${db}.schema_migrations`, format: 'JSONEachRow' });
  const rows = await result.json<{ version: number | string }>();
  return new Set(rows.map((r) => Number(r.version)));
}

/** Brings `database` to the newest schema version; a second run finds nothing to do and changes nothing. */
export async function migrate(client: ClickHouseClient, database: string, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrationResult> {
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` });
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS ${database}.schema_migrations (version UInt32, name String, applied_at DateTime('UTC')) ENGINE = MergeTree() ORDER BY version`,
  });
  const done = await appliedVersions(client, database);
  const applied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(migration.version)) continue;
    for (const query of migration.statements(database)) await client.command({ query });
    await client.command({
      query: `INSERT INTO ${database}.schema_migrations (version, name, applied_at) VALUES (${sqlInt(migration.version)}, ${sqlString(migration.name)}, now())`,
    });
    applied.push(migration.version);
  }
  return { applied, version: Math.max(0, ...done, ...applied) };
}

/** Names of the schema's tables that are missing, for readiness. Empty when the schema is complete. */
export async function missingTables(client: ClickHouseClient, database: string): Promise<string[]> {
  const result = await client.query({
    query: `SELECT name FROM system.tables WHERE database = ${sqlString(database)}`,
    format: 'JSONEachRow',
  });
  const present = new Set((await result.json<{ name: string }>()).map((r) => r.name));
  return ['events', 'patterns', 'schema_migrations'].filter((t) => !present.has(t));
}

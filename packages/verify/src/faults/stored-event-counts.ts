export interface ClickHouseAccess {
  /** ClickHouse HTTP on the host, e.g. http://127.0.0.1:8123. */
  readonly url: string;
  readonly user: string;
  readonly password: string;
  readonly database?: string;
}

export interface StoredCounts {
  /** Rows per id as readers see them (`FINAL`: redelivered copies collapsed). */
  readonly perId: ReadonlyMap<string, number>;
  /** Rows as stored, before merging (no `FINAL`): redelivered copies the table has not merged yet included. */
  readonly rawRows: number;
  /** Distinct ids among the raw rows: `rawRows − distinctIds` is the copies waiting to be merged. */
  readonly distinctIds: number;
}

async function query(access: ClickHouseAccess, sql: string, timeoutMs = 15_000): Promise<string> {
  const response = await fetch(access.url, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${access.user}:${access.password}`).toString('base64')}` },
    body: sql,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`ClickHouse at ${access.url} answered HTTP ${response.status}: ${text.trim().slice(0, 200)}`);
  return text;
}

/** How often each id of `type` is stored in `<database>.events`, straight from ClickHouse over HTTP. */
export async function storedEventCounts(access: ClickHouseAccess, type: string): Promise<StoredCounts> {
  if (!/^[\w.-]+$/.test(type)) throw new TypeError(`event type "${type}" must be letters, digits, dots, dashes or underscores`);
  const table = `${access.database ?? 'qraft'}.events`;
  const rows = await query(access, `SELECT id, count() FROM ${table} FINAL WHERE type = '${type}' GROUP BY id FORMAT TabSeparated`);
  const perId = new Map<string, number>();
  for (const line of rows.split('\n')) {
    if (!line) continue;
    const [id, count] = line.split('\t');
    perId.set(id!, Number(count));
  }
  const raw = await query(access, `SELECT count(), uniqExact(id) FROM ${table} WHERE type = '${type}' FORMAT TabSeparated`);
  const [rawRows, distinctIds] = raw.trim().split('\t').map(Number);
  return { perId, rawRows: rawRows!, distinctIds: distinctIds! };
}

/**
 * Merges every part of `<database>.events` now (`OPTIMIZE TABLE … FINAL`), so ReplacingMergeTree keeps one row
 * per id: what the table promises to converge to, forced instead of waited for.
 */
export async function mergeEvents(access: ClickHouseAccess): Promise<void> {
  await query(access, `OPTIMIZE TABLE ${access.database ?? 'qraft'}.events FINAL`, 300_000);
}

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
  /** Rows before merging, redelivered copies included: how much deduplication the table did. */
  readonly rawRows: number;
}

async function query(access: ClickHouseAccess, sql: string): Promise<string> {
  const response = await fetch(access.url, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${access.user}:${access.password}`).toString('base64')}` },
    body: sql,
    signal: AbortSignal.timeout(15_000),
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
  const raw = await query(access, `SELECT count() FROM ${table} WHERE type = '${type}' FORMAT TabSeparated`);
  return { perId, rawRows: Number(raw.trim()) };
}

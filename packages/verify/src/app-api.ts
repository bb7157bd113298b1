export interface StoredEvent {
  readonly id: string;
  readonly type: string;
  readonly source: string;
  readonly timestamp: string;
  readonly payload: Record<string, unknown>;
}

async function json<T>(response: Response, what: string): Promise<T> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status} ${text.slice(0, 200)}`);
  return JSON.parse(text) as T;
}

/** Every stored event of one type in the last hour, following the app's cursor pages. */
export async function queryEventsByType(appUrl: string, type: string): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  let cursor: string | undefined;
  const from = new Date(Date.now() - 3_600_000).toISOString();
  const to = new Date(Date.now() + 60_000).toISOString();
  do {
    const url = new URL('/events', appUrl);
    url.search = new URLSearchParams({ type, from, to, limit: '500', ...(cursor ? { cursor } : {}) }).toString();
    const page = await json<{ events: StoredEvent[]; nextCursor?: string | null }>(
      await fetch(url, { signal: AbortSignal.timeout(5_000) }),
      `GET ${url.pathname}`,
    );
    events.push(...page.events);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return events;
}

/** Publishes events through the app's HTTP API (202 with ids). */
export async function postEvents(appUrl: string, events: readonly Omit<StoredEvent, 'timestamp'>[] | readonly StoredEvent[]): Promise<string[]> {
  const response = await fetch(new URL('/events', appUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(events),
    signal: AbortSignal.timeout(10_000),
  });
  return (await json<{ ids: string[] }>(response, 'POST /events')).ids;
}

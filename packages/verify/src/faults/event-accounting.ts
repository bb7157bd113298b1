import type { PublishedEvent } from './publish-load';

/** What became of the published events, as the fault table reports it. */
export interface EventAccounting {
  readonly published: number;
  readonly acknowledged: number;
  /** Published events found in ClickHouse (FINAL) at least once. */
  readonly stored: number;
  /** Published events found more than once. */
  readonly duplicates: number;
  /** Acknowledged events not found. */
  readonly lost: number;
  /** Events stored although no attempt was acknowledged (the ack was lost in the fault): allowed, not lost. */
  readonly storedWithoutAck: number;
  /** Up to 10 ids of each problem, for the failure message. */
  readonly lostIds: readonly string[];
  readonly duplicateIds: readonly string[];
}

/** Matches the publisher's record against the per-id counts read back from ClickHouse. */
export function accountEvents(events: readonly PublishedEvent[], storedCounts: ReadonlyMap<string, number>): EventAccounting {
  let acknowledged = 0;
  let stored = 0;
  let storedWithoutAck = 0;
  const lostIds: string[] = [];
  const duplicateIds: string[] = [];
  for (const event of events) {
    const count = storedCounts.get(event.id) ?? 0;
    if (event.acked) acknowledged++;
    if (count > 0) stored++;
    if (count > 1) duplicateIds.push(event.id);
    if (event.acked && count === 0) lostIds.push(event.id);
    if (!event.acked && count > 0) storedWithoutAck++;
  }
  return {
    published: events.length,
    acknowledged,
    stored,
    duplicates: duplicateIds.length,
    lost: lostIds.length,
    storedWithoutAck,
    lostIds: lostIds.slice(0, 10),
    duplicateIds: duplicateIds.slice(0, 10),
  };
}

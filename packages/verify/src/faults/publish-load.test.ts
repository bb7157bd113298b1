import { PublishLoad, type LoadEvent } from './publish-load';

describe('PublishLoad', () => {
  it('publishes each channel at its rate with a fresh id per event and records every acknowledgement', async () => {
    const seen: LoadEvent[] = [];
    const load = new PublishLoad({
      type: 'faults.test',
      channels: [{ name: 'jetstream', ratePerSecond: 100, send: async (e) => void seen.push(e) }],
      tickMs: 10,
    }).start();
    await new Promise((r) => setTimeout(r, 300));
    const events = await load.stop();
    expect(events.length).toBeGreaterThan(5);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(events.every((e) => e.acked && e.attempts === 1)).toBe(true);
    expect(seen.every((e) => e.type === 'faults.test' && e.source === 'qraft-faults-jetstream')).toBe(true);
  });

  it('retries a failed publish with the same id, and records it unacknowledged once every attempt failed', async () => {
    const tries = new Map<string, number>();
    const load = new PublishLoad({
      type: 'faults.test',
      channels: [
        {
          name: 'flaky',
          ratePerSecond: 20,
          // Every event fails once, then the odd ones keep failing.
          send: async (e) => {
            const n = (tries.get(e.id) ?? 0) + 1;
            tries.set(e.id, n);
            if (n === 1 || e.payload.seq % 2 === 1) throw new Error('nats: disconnected');
          },
        },
      ],
      tickMs: 10,
      retryDelayMs: 1,
      maxAttempts: 3,
    }).start();
    await new Promise((r) => setTimeout(r, 200));
    const events = await load.stop();
    expect(events.length).toBeGreaterThan(1);
    for (const [i, e] of events.entries()) {
      expect(tries.get(e.id)).toBe(i % 2 === 0 ? 2 : 3);
      expect(e.acked).toBe(i % 2 === 0);
      if (!e.acked) expect(e.lastError).toBe('nats: disconnected');
    }
  });

  it('launches nothing beyond maxInFlight while answers are outstanding, and stop() waits for them', async () => {
    const pending: Array<() => void> = [];
    const load = new PublishLoad({
      type: 'faults.test',
      channels: [{ name: 'slow', ratePerSecond: 1_000, send: () => new Promise<void>((resolve) => pending.push(resolve)) }],
      tickMs: 5,
      maxInFlight: 3,
    }).start();
    await new Promise((r) => setTimeout(r, 100));
    expect(load.totals()).toEqual({ published: 3, acknowledged: 0, inFlight: 3 });
    const stopped = load.stop();
    pending.forEach((resolve) => resolve());
    expect((await stopped).map((e) => e.acked)).toEqual([true, true, true]);
  });

  it('refuses an event type that could not be queried safely', () => {
    expect(() => new PublishLoad({ type: "x' OR 1=1", channels: [] })).toThrow(/must be letters/);
  });
});

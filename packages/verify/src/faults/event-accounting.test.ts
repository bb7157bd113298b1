import { accountEvents } from './event-accounting';
import type { PublishedEvent } from './publish-load';

const event = (id: string, acked: boolean): PublishedEvent => ({ id, channel: 'jetstream', attempts: 1, acked });

describe('accountEvents', () => {
  it('counts an acknowledged event stored once as stored, neither lost nor duplicated', () => {
    expect(accountEvents([event('a', true), event('b', true)], new Map([['a', 1], ['b', 1]]))).toMatchObject({
      published: 2, acknowledged: 2, stored: 2, duplicates: 0, lost: 0, storedWithoutAck: 0,
    });
  });

  it('names acknowledged events that are missing as lost and events stored twice as duplicates', () => {
    const result = accountEvents([event('a', true), event('b', true), event('c', true)], new Map([['a', 2], ['c', 1]]));
    expect(result).toMatchObject({ stored: 2, lost: 1, duplicates: 1, lostIds: ['b'], duplicateIds: ['a'] });
  });

  it('does not count an unacknowledged event that was stored anyway as lost (its ack was lost in the fault)', () => {
    expect(accountEvents([event('a', false), event('b', false)], new Map([['a', 1]]))).toMatchObject({
      published: 2, acknowledged: 0, stored: 1, storedWithoutAck: 1, lost: 0,
    });
  });
});

import { copyProblems, formatCopyAccounting, rawCopies, type CopyAccounting } from './copy-accounting';
import type { EventAccounting } from './event-accounting';

const clean: EventAccounting = { published: 10, acknowledged: 9, stored: 10, duplicates: 0, lost: 0, storedWithoutAck: 1, lostIds: [], duplicateIds: [] };
const accounting = (over: Partial<CopyAccounting> = {}): CopyAccounting => ({
  final: clean,
  api: clean,
  rawRows: 12,
  distinctIds: 10,
  redeliveries: 3,
  mergedRows: 10,
  mergedDistinctIds: 10,
  ...over,
});

describe('copyProblems', () => {
  it('accepts raw copies up to the redeliveries when every event is visible once and the copies merge away', () => {
    expect(rawCopies(accounting())).toBe(2);
    expect(copyProblems(accounting())).toEqual([]);
    expect(copyProblems(accounting({ rawRows: 13 }))).toEqual([]);
  });

  it('fails when there are more raw copies than JetStream redeliveries', () => {
    const [problem] = copyProblems(accounting({ rawRows: 14 }));
    expect(problem).toMatch(/^4 raw copies \(14 rows for 10 ids\) but only 3 redeliveries/);
  });

  it('fails when copies remain after OPTIMIZE … FINAL', () => {
    expect(copyProblems(accounting({ mergedRows: 11 }))).toEqual([expect.stringMatching(/^after OPTIMIZE TABLE … FINAL 11 rows remain for 10 ids/)]);
  });

  it('names events lost or seen twice through FINAL and through the API separately', () => {
    const problems = copyProblems(
      accounting({
        final: { ...clean, lost: 1, lostIds: ['a'] },
        api: { ...clean, duplicates: 1, duplicateIds: ['b'] },
      }),
    );
    expect(problems).toEqual([
      '1 acknowledged events not visible through FINAL (e.g. a)',
      '1 events seen more than once through GET /events (e.g. b)',
    ]);
  });
});

describe('formatCopyAccounting', () => {
  it('puts the visible, raw and merged counts side by side', () => {
    expect(formatCopyAccounting(accounting())).toBe(
      'published 10, acknowledged 9, stored 10 (1 without an ack); through FINAL: lost 0, duplicates 0; through GET /events: 10 visible, lost 0, duplicates 0; ' +
        'raw: 12 rows for 10 ids (2 copies), 3 JetStream redeliveries; after OPTIMIZE … FINAL: 10 rows for 10 ids',
    );
  });
});

import { skip } from './outcome';
import { runVerifyChecks } from './run-verify-checks';

describe('runVerifyChecks', () => {
  it('reports a throwing check as failed with its message and goes on to the next', async () => {
    const seen: string[] = [];
    const outcomes = await runVerifyChecks(
      [
        { group: 'g', name: 'breaks', run: async () => { throw new Error('clickhouse refused the app user'); } },
        { group: 'g', name: 'after', run: async (ctx: { value: number }) => `value ${ctx.value}` },
      ],
      { value: 7 },
      { onOutcome: (o) => seen.push(o.name) },
    );
    expect(outcomes.map((o) => [o.name, o.status, o.detail])).toEqual([
      ['breaks', 'failed', 'clickhouse refused the app user'],
      ['after', 'passed', 'value 7'],
    ]);
    expect(seen).toEqual(['breaks', 'after']);
  });

  it('reports a check that cannot run as skipped with its reason, never as passed', async () => {
    const [outcome] = await runVerifyChecks([{ group: 'g', name: 'grafana', run: async () => skip('not in the offline set') }], {});
    expect(outcome).toMatchObject({ status: 'skipped', detail: 'not in the offline set' });
  });
});

import { runChecks } from './run-checks';

describe('runChecks', () => {
  it('reports a probe that ignores its signal as down once the limit passes, instead of waiting for it', async () => {
    let release: () => void = () => undefined;
    const hung = new Promise<void>((resolve) => (release = resolve));
    const report = await runChecks(
      [
        { name: 'schema', probe: async () => { await hung; return { ok: true, state: 'up', latencyMs: 0, detail: 'late' }; } },
        { name: 'nats', probe: async () => ({ ok: true, state: 'up', latencyMs: 1, detail: 'fine' }) },
      ],
      { timeoutMs: 50 },
    );
    release();
    expect(report.ok).toBe(false);
    expect(report.checks.map((c) => [c.name, c.state, c.error])).toEqual([
      ['schema', 'down', 'schema: no answer within 50 ms'],
      ['nats', 'up', undefined],
    ]);
  });
});

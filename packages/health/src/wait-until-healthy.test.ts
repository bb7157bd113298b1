import type { Check } from './check';
import { FakeClock, type Clock } from '@qraft/retry';
import type { ProbeResult } from './probe-result';
import { runChecks } from './run-checks';
import { HealthTimeoutError, waitUntilHealthy } from './wait-until-healthy';

const up: ProbeResult = { ok: true, state: 'up', latencyMs: 1, detail: 'fine' };
const down = (error: string): ProbeResult => ({ ok: false, state: 'down', latencyMs: 1, detail: 'unreachable', error });

/** A check that is down until `upAtMs` on the clock, then up; records when it was probed. */
function scripted(name: string, clock: Clock, upAtMs: number, extra: Partial<Check> = {}): Check & { probedAt: number[] } {
  const probedAt: number[] = [];
  return {
    name,
    probedAt,
    probe: async () => {
      probedAt.push(clock.now());
      return clock.now() >= upAtMs ? up : down(`${name} at x: connection refused — is the server running?`);
    },
    ...extra,
  };
}

describe('waitUntilHealthy (fake clock)', () => {
  it('returns as soon as every required check is up, polling from 25 ms and backing off', async () => {
    const clock = new FakeClock();
    const nats = scripted('nats', clock, 300);
    const report = await waitUntilHealthy([nats], { timeoutMs: 10_000, clock, backoff: { jitter: 0 } });
    expect(report.ok).toBe(true);
    // 0, +25, +37.5, +56.25, +84.4, +126.6 → 329.7: the first poll at or after 300 ms.
    expect(nats.probedAt.map(Math.round)).toEqual([0, 25, 63, 119, 203, 330]);
  });

  it('polls each check on its own, so one that is up early is not probed again', async () => {
    const clock = new FakeClock();
    const fast = scripted('fast', clock, 0);
    const slow = scripted('slow', clock, 2_000);
    await waitUntilHealthy([fast, slow], { timeoutMs: 10_000, clock });
    expect(fast.probedAt).toEqual([0]);
    expect(slow.probedAt.length).toBeGreaterThan(5);
  });

  it('does not wait for optional checks, and reports them as last seen', async () => {
    const clock = new FakeClock();
    const report = await waitUntilHealthy(
      [scripted('nats', clock, 100), scripted('grafana', clock, Infinity, { required: false })],
      { timeoutMs: 10_000, clock },
    );
    expect(report.ok).toBe(true);
    expect(report.state).toBe('degraded');
    expect(report.checks.map((c) => [c.name, c.state, c.required])).toEqual([
      ['nats', 'up', true],
      ['grafana', 'down', false],
    ]);
  });

  it('throws one HealthTimeoutError at the deadline naming every failing check, its last error and the time waited', async () => {
    const clock = new FakeClock();
    const error = (await waitUntilHealthy(
      [scripted('nats', clock, Infinity), scripted('clickhouse', clock, Infinity), scripted('prometheus', clock, 0)],
      { timeoutMs: 5_000, clock },
    ).catch((e: unknown) => e)) as HealthTimeoutError;
    expect(error).toBeInstanceOf(HealthTimeoutError);
    expect(error.waitedMs).toBe(5_000);
    expect(error.failing).toEqual(['nats', 'clickhouse']);
    expect(error.message).toBe(
      'not healthy after 5.0 s — 2 of 3 required checks failing:\n' +
        '  nats (down): nats at x: connection refused — is the server running?\n' +
        '  clickhouse (down): clickhouse at x: connection refused — is the server running?',
    );
    expect(error.report.checks.find((c) => c.name === 'prometheus')?.state).toBe('up');
  });

  it('cuts off a probe that hangs after attemptTimeoutMs and says so', async () => {
    const clock = new FakeClock();
    const hang: Check = { name: 'nats', probe: () => new Promise<ProbeResult>(() => undefined) };
    const error = (await waitUntilHealthy([hang], { timeoutMs: 1_000, attemptTimeoutMs: 400, clock }).catch((e: unknown) => e)) as HealthTimeoutError;
    expect(error).toBeInstanceOf(HealthTimeoutError);
    expect(error.report.checks[0]?.error).toBe(
      'nats: no answer within 400 ms — is the server starting, overloaded, or the port not published?',
    );
  });

  it('reports every probe result to onProgress as it arrives', async () => {
    const clock = new FakeClock();
    const seen: string[] = [];
    await waitUntilHealthy([scripted('nats', clock, 50)], {
      timeoutMs: 1_000,
      clock,
      backoff: { jitter: 0 },
      onProgress: (name, r) => seen.push(`${name}:${r.state}`),
    });
    expect(seen).toEqual(['nats:down', 'nats:down', 'nats:up']);
  });

  it('treats a caller-written probe that throws as down instead of crashing', async () => {
    const clock = new FakeClock();
    const broken: Check = { name: 'custom', probe: async () => { throw new Error('boom'); } };
    const error = (await waitUntilHealthy([broken], { timeoutMs: 100, clock }).catch((e: unknown) => e)) as HealthTimeoutError;
    expect(error.report.checks[0]).toMatchObject({ state: 'down', error: 'custom: boom' });
  });

  it('rejects duplicate check names before probing', async () => {
    const clock = new FakeClock();
    const a = scripted('nats', clock, 0);
    await expect(waitUntilHealthy([a, scripted('nats', clock, 0)], { timeoutMs: 100, clock })).rejects.toThrow('two checks are named "nats"');
    expect(a.probedAt).toEqual([]);
  });
});

describe('runChecks', () => {
  it('runs every check once, concurrently, and reports down when a required one is down', async () => {
    const order: string[] = [];
    const check = (name: string, result: ProbeResult, required = true): Check => ({
      name,
      required,
      probe: async () => {
        order.push(`start ${name}`);
        await new Promise((r) => setImmediate(r));
        order.push(`end ${name}`);
        return result;
      },
    });
    const report = await runChecks([check('a', up), check('b', down('b: refused')), check('c', up, false)]);
    expect(order.slice(0, 3)).toEqual(['start a', 'start b', 'start c']);
    expect(report).toMatchObject({ ok: false, state: 'down' });
  });
});

import { describeServers, freePort, PrometheusTestServer, startPrometheus } from '@qraft/testkit';
import { progressLog } from '../test/servers';
import { probePrometheus } from './prometheus-probe';
import { retryUntil } from '@qraft/retry';
import { HealthTimeoutError, waitUntilHealthy } from './wait-until-healthy';

const prometheusCheck = (url: string) => ({ name: 'prometheus', probe: (signal: AbortSignal) => probePrometheus({ url, signal }) });

describeServers('real-server tests')('probePrometheus against a real prometheus', () => {
  it('reports prometheus up once ready and every active target is up', async () => {
    await using prom = await startPrometheus();
    // Discovery hands over its first targets a few seconds after start; until then it is degraded.
    const report = await waitUntilHealthy([prometheusCheck(prom.url)], { timeoutMs: 30_000 });
    expect(report.checks[0]).toMatchObject({ state: 'up', detail: 'ready, 1/1 targets up' });
  });

  it('reports prometheus degraded listing each target that is down with its last scrape error', async () => {
    const closed = await freePort();
    await using prom = await startPrometheus({ targets: [`127.0.0.1:${closed}`] });
    // Until each target's first scrape it shows as "not scraped yet" (the self-scrape may come second);
    // wait for both verdicts.
    const row = await retryUntil(
      () => probePrometheus({ url: prom.url }),
      (r) => r.error?.includes('connection refused') === true && r.detail === 'ready, 1/2 targets up',
      { timeoutMs: 30_000 },
    );
    expect(row.state).toBe('degraded');
    expect(row.detail).toBe('ready, 1/2 targets up');
    expect(row.error).toContain(`targets not up: targets/127.0.0.1:${closed} (`);
  }, 40_000);

  it('reports a Prometheus behind basic auth down with the fix without a login, and up with the login', async () => {
    await using prom = await startPrometheus({ basicAuth: { user: 'qraft', password: 'probe-password' } });
    const without = await probePrometheus({ url: prom.url });
    expect(without).toMatchObject({ ok: false, state: 'down', detail: 'HTTP 401' });
    expect(without.error).toContain('wants basic auth (HTTP 401) — give --user qraft --password-file secrets/prometheus_password');
    const wrong = await probePrometheus({ url: prom.url, user: 'qraft', password: 'wrong' });
    expect(wrong.error).toContain('refused user "qraft" (HTTP 401)');
    const report = await waitUntilHealthy(
      [{ name: 'prometheus', probe: (signal: AbortSignal) => probePrometheus({ url: prom.url, user: 'qraft', password: 'probe-password', signal }) }],
      { timeoutMs: 30_000 },
    );
    expect(report.checks[0]).toMatchObject({ state: 'up', detail: 'ready, 1/1 targets up' });
  });

  it('reports prometheus down when the port is closed', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const result = await probePrometheus({ url });
    expect(result).toMatchObject({ ok: false, state: 'down' });
    expect(result.error).toBe(`prometheus at ${url}: connection refused — is the server running?`);
  });

  it('reports prometheus down to a watcher when the server is stopped while being watched', async () => {
    await using prom = await startPrometheus({ targets: [`127.0.0.1:${await freePort()}`] });
    const log = progressLog();
    const waiting = waitUntilHealthy([prometheusCheck(prom.url)], { timeoutMs: 4_000, onProgress: log.onProgress }).catch((e: unknown) => e);
    while (!log.states.get('prometheus')?.includes('degraded')) await new Promise((r) => setImmediate(r));
    await prom.stop();
    const error = (await waiting) as HealthTimeoutError;
    expect(error).toBeInstanceOf(HealthTimeoutError);
    expect(log.states.get('prometheus')).toEqual(['degraded', 'down']);
    expect(error.message).toContain('connection refused');
  });

  it('returns from waitUntilHealthy once a server that starts late is ready', async () => {
    await using prom = await PrometheusTestServer.create();
    const log = progressLog();
    const waiting = waitUntilHealthy([prometheusCheck(prom.url)], { timeoutMs: 30_000, onProgress: log.onProgress });
    while (!log.states.get('prometheus')) await new Promise((r) => setImmediate(r));
    await prom.start();
    const report = await waiting;
    expect(report.ok).toBe(true);
    expect(log.states.get('prometheus')?.[0]).toBe('down');
    expect(log.states.get('prometheus')?.at(-1)).toBe('up');
  });
});

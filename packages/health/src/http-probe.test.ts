import { createServer, type Server } from 'node:http';
import { describeServers, freePort, startNats } from '@qraft/testkit';
import { probeApp } from './app-probe';
import { buildReport } from './check';
import { reportToJson } from './format-report';
import { probeHttp } from './http-probe';
import { probeTcp } from './tcp-probe';

describeServers('real-server tests')('probeHttp and probeTcp against a real nats-server', () => {
  it('reports http up on 2xx, down on an unexpected status, degraded when the body predicate fails', async () => {
    await using nats = await startNats();
    expect(await probeHttp({ url: `${nats.monitorUrl}/healthz` })).toMatchObject({ state: 'up', detail: 'HTTP 200' });
    const status = await probeHttp({ url: `${nats.monitorUrl}/healthz`, expectStatus: 204 });
    expect(status.state).toBe('down');
    expect(status.error).toContain('answered HTTP 200, expected 204');
    const body = await probeHttp({ url: `${nats.monitorUrl}/healthz`, bodyPredicate: (b) => b.includes('nope') || 'no "nope" in the body' });
    expect(body).toMatchObject({ state: 'degraded', error: `http at ${nats.monitorUrl}/healthz: no "nope" in the body` });
  });

  it('reports tcp up when the port accepts connections and down when it is closed', async () => {
    await using nats = await startNats();
    expect(await probeTcp({ host: '127.0.0.1', port: nats.port })).toMatchObject({ state: 'up' });
    const closed = await freePort();
    expect((await probeTcp({ host: '127.0.0.1', port: closed })).error).toBe(
      `tcp at 127.0.0.1:${closed}: connection refused — is the server running?`,
    );
  });

  it('reports http down with the fix when the host name does not resolve', async () => {
    const result = await probeHttp({ url: 'http://qraft-no-such-host.invalid:8080/' });
    expect(result.state).toBe('down');
    expect(result.error).toContain('host name does not resolve');
  });

  it('turns a malformed URL into a down result instead of throwing', async () => {
    const result = await probeHttp({ url: 'not a url' });
    expect(result).toMatchObject({ ok: false, state: 'down' });
    expect(result.error).toContain('"not a url" is not a URL');
  });
});

describe('probeApp against a /readyz that serves reportToJson (the contract the app implements)', () => {
  let server: Server;
  let url: string;
  const asked: string[] = [];
  let report = buildReport([{ name: 'nats', probe: async () => ({ ok: true, state: 'up', latencyMs: 1, detail: '' }) }], new Map([['nats', { ok: true, state: 'up' as const, latencyMs: 1, detail: 'rtt 1 ms' }]]), 1);
  beforeAll(async () => {
    server = createServer((req, res) => {
      asked.push(req.url ?? '');
      res.writeHead(report.ok ? 200 : 503, { 'content-type': 'application/json' }).end(reportToJson(report));
    });
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('reports the app up when /readyz answers 200 with status up', async () => {
    expect(await probeApp({ url })).toMatchObject({ ok: true, state: 'up', detail: 'HTTP 200, status up' });
  });

  it('reports the app down naming its failing dependencies when /readyz answers 503', async () => {
    const failing = { ok: false, state: 'down' as const, latencyMs: 1, detail: 'unreachable', error: 'nats at nats://127.0.0.1:4222: connection refused — is the server running?' };
    report = buildReport([{ name: 'nats', probe: async () => failing }], new Map([['nats', failing]]), 1);
    const result = await probeApp({ url: `${url}/readyz` });
    expect(result).toMatchObject({ ok: false, state: 'down' });
    expect(result.error).toBe(`app at ${url}/readyz is not ready (HTTP 503): nats: nats at nats://127.0.0.1:4222: connection refused — is the server running?`);
  });

  it('asks the app to answer once its start-up has finished, waiting at most waitMs (/readyz?wait_ms=)', async () => {
    asked.length = 0;
    await probeApp({ url, waitMs: 1_000 });
    await probeApp({ url: `${url}/readyz` });
    expect(asked).toEqual(['/readyz?wait_ms=1000', '/readyz']);
  });
});

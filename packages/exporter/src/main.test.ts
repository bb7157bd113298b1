import { main } from './main';

function run(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  let code: number | undefined;
  const done = main(argv, { env, exit: (c) => (code = c), stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
  return done.then(async (server) => {
    await server?.close();
    return { code, out: out.join(''), err: err.join(''), server };
  });
}

describe('qraft-exporter CLI', () => {
  it('prints its routes and variables for --help and exits 0', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    expect(out).toContain('/metrics/nats');
    expect(out).toContain('QRAFT_CLICKHOUSE_PASSWORD_FILE');
  });

  it('exits 2 listing every bad variable with what to write instead', async () => {
    const { code, err, server } = await run([], {
      QRAFT_HTTP_PORT: 'eighty',
      QRAFT_NATS_MONITOR_URL: 'nats://nats:4222',
      QRAFT_CLICKHOUSE_PASSWORD_FILE: '/nonexistent/secret',
    });
    expect(server).toBeUndefined();
    expect(code).toBe(2);
    expect(err).toContain('QRAFT_HTTP_PORT="eighty" must be an integer from 0 to 65535');
    expect(err).toContain('QRAFT_NATS_MONITOR_URL="nats://nats:4222" must use http: or https:');
    expect(err).toContain('QRAFT_CLICKHOUSE_PASSWORD_FILE=/nonexistent/secret cannot be read (ENOENT) — mount the secret there or fix the path');
  });

  it('exits 1 naming the port and the variable when the port is taken', async () => {
    const first = await main([], { env: { QRAFT_HTTP_HOST: '127.0.0.1', QRAFT_HTTP_PORT: '0' }, exit: () => {}, stdout: () => {}, stderr: () => {} });
    const port = new URL(first!.url).port;
    try {
      const { code, err } = await run([], { QRAFT_HTTP_HOST: '127.0.0.1', QRAFT_HTTP_PORT: port });
      expect(code).toBe(1);
      expect(err).toContain(`cannot listen on 127.0.0.1:${port} (EADDRINUSE) — free the port or set QRAFT_HTTP_PORT`);
    } finally {
      await first!.close();
    }
  });

  it('serves /healthz once started', async () => {
    const server = await main([], { env: { QRAFT_HTTP_HOST: '127.0.0.1', QRAFT_HTTP_PORT: '0' }, exit: () => {}, stdout: () => {}, stderr: () => {} });
    try {
      const response = await fetch(`${server!.url}/healthz`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok' });
    } finally {
      await server!.close();
    }
  });
});

import { main } from './main';
import { redactLine, REDACTED } from './redact-line';

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

  it('exits 2 when a URL carries credentials, naming the variables to use and never printing the password', async () => {
    const { code, err, out } = await run([], { QRAFT_CLICKHOUSE_URL: 'http://qraft_exporter:s3cret-pw@clickhouse:8123' });
    expect(code).toBe(2);
    expect(err).toContain(
      'QRAFT_CLICKHOUSE_URL="http://clickhouse:8123/" carries a user or password (user:password@) — take them out of the URL and set QRAFT_CLICKHOUSE_USER and QRAFT_CLICKHOUSE_PASSWORD_FILE',
    );
    expect(err + out).not.toContain('s3cret-pw');
  });

  it('logs no password: the start line and warnings have the ClickHouse password and URL user info redacted', async () => {
    const lines: string[] = [];
    const server = await main([], {
      env: { QRAFT_HTTP_HOST: '127.0.0.1', QRAFT_HTTP_PORT: '0', QRAFT_CLICKHOUSE_URL: 'http://127.0.0.1:1', QRAFT_CLICKHOUSE_PASSWORD: 'exporter-pw-123' },
      exit: () => {},
      stdout: (t) => lines.push(t),
      stderr: (t) => lines.push(t),
    });
    try {
      await (await fetch(`${server!.url}/metrics/clickhouse`)).arrayBuffer();
    } finally {
      await server!.close();
    }
    expect(lines.join('')).toContain('"msg":"listening"');
    expect(lines.join('')).not.toContain('exporter-pw-123');
    expect(redactLine('{"msg":"failed for exporter-pw-123 at http://u:p@h:1"}', ['exporter-pw-123'])).toBe(`{"msg":"failed for ${REDACTED} at http://${REDACTED}@h:1"}`);
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

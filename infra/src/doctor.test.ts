import { createServer, type Server } from 'node:net';
import { isPortFree } from '@qraft/stack';
import { formatDoctorTable, runDoctor } from './doctor';

async function listen(): Promise<{ server: Server; port: number } & AsyncDisposable> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port, [Symbol.asyncDispose]: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('doctor', () => {
  it('sees a port that another process holds as busy, and a released one as free', async () => {
    let port: number;
    {
      await using held = await listen();
      port = held.port;
      expect(await isPortFree(port)).toBe(false);
    }
    expect(await isPortFree(port)).toBe(true);
  });

  it('fails on a busy port and names the variable that moves it', async () => {
    await using held = await listen();
    const report = await runDoctor({ ports: [{ port: held.port, name: 'clickhouse http', env: 'QRAFT_CLICKHOUSE_HTTP_PORT' }], workspaceDir: '/' });
    const row = report.checks.find((c) => c.item === `port ${held.port} (clickhouse http)`);
    expect(row).toMatchObject({ ok: false, required: true, fix: 'stop the other process or set QRAFT_CLICKHOUSE_HTTP_PORT' });
    expect(report.ok).toBe(false);
    expect(formatDoctorTable(report)).toContain(`FAIL  port ${held.port} (clickhouse http)`);
  });

  it('asks for more disk than the host has and reports the shortfall with a fix', async () => {
    const report = await runDoctor({ ports: [], workspaceDir: '/', minDiskBytes: Number.MAX_SAFE_INTEGER });
    const disk = report.checks.find((c) => c.item === 'disk');
    expect(disk?.ok).toBe(false);
    expect(disk?.fix).toMatch(/^free at least/);
  });
});

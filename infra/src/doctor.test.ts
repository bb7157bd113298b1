import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPortFree, SOCKETS } from '@qraft/stack';
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

/** A temporary directory, removed again. */
function tempDir(): { dir: string } & Disposable {
  const dir = mkdtempSync(join(tmpdir(), 'qraft-doctor-'));
  return { dir, [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

describe('doctor engine sockets', () => {
  it('says it cannot reach the engine when the socket path is a plain file, and how to start the API service', async () => {
    using tmp = tempDir();
    const path = join(tmp.dir, 'podman.sock');
    writeFileSync(path, '');
    const report = await runDoctor({ ports: [], workspaceDir: '/', sockets: { docker: join(tmp.dir, 'absent.sock'), podman: path } });
    const row = report.checks.find((c) => c.item === 'API socket: podman');
    expect(row).toMatchObject({ ok: false, required: false });
    expect(row?.detail).toMatch(new RegExp(`^cannot reach the engine: no engine answered on ${path} within 2000 ms`));
    expect(row?.fix).toContain('podman system service --time=0 unix:///run/podman/podman.sock');
    expect(report.checks.find((c) => c.item === 'API socket: docker')).toMatchObject({ ok: false, detail: `${join(tmp.dir, 'absent.sock')} absent` });
    expect(report.checks.find((c) => c.item === 'API socket: any')).toMatchObject({ ok: false, required: true, detail: 'dockerode reached no engine API socket' });
    expect(report.ok).toBe(false);
    expect(formatDoctorTable(report)).toMatch(/no +API socket: podman +cannot reach the engine: .* → start Podman's API service/);
  });

  it('says it cannot reach the engine on a unix socket whose server has gone (listening, then closed)', async () => {
    using tmp = tempDir();
    const path = join(tmp.dir, 'docker.sock');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(path, resolve));
    // Closing removes the path; a daemon killed with SIGKILL leaves it behind, which the file put back stands for.
    await new Promise<void>((resolve) => server.close(() => resolve()));
    writeFileSync(path, '');
    const report = await runDoctor({ ports: [], workspaceDir: '/', sockets: { docker: path, podman: join(tmp.dir, 'absent.sock') } });
    const row = report.checks.find((c) => c.item === 'API socket: docker');
    expect(row).toMatchObject({ ok: false });
    expect(row?.detail).toMatch(/cannot reach the engine: .*nothing listens on it/);
    expect(row?.fix).toMatch(/^start the Docker daemon/);
  });

  it('says it cannot reach the engine when a server accepts the connection but never answers', async () => {
    using tmp = tempDir();
    const path = join(tmp.dir, 'silent.sock');
    const held = new Set<import('node:net').Socket>();
    const server = createServer((c) => held.add(c));
    await new Promise<void>((resolve) => server.listen(path, resolve));
    try {
      const report = await runDoctor({ ports: [], workspaceDir: '/', sockets: { docker: path, podman: join(tmp.dir, 'absent.sock') }, socketTimeoutMs: 300 });
      expect(report.checks.find((c) => c.item === 'API socket: docker')?.detail).toMatch(new RegExp(`^cannot reach the engine: no engine answered on ${path} within 300 ms`));
    } finally {
      for (const c of held) c.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

const hostSocket = SOCKETS.docker;
const noEngine = existsSync(hostSocket) ? undefined : `no Docker API socket at ${hostSocket} — run \`pnpm nx run infra:engine\``;
if (noEngine) console.warn(`SKIPPED doctor test against the host engine: ${noEngine}`);

(noEngine ? describe.skip : describe)('doctor against the host engine', () => {
  it('says dockerode reached the engine on the real socket and which version answered', async () => {
    using tmp = tempDir();
    const report = await runDoctor({ ports: [], workspaceDir: '/', sockets: { docker: hostSocket, podman: join(tmp.dir, 'absent.sock') } });
    const row = report.checks.find((c) => c.item === 'API socket: docker');
    expect(row).toMatchObject({ ok: true, fix: '' });
    expect(row?.detail).toMatch(new RegExp(`^${hostSocket}: (Docker|Podman) \\d+\\.\\d+\\S* \\(API \\d+\\.\\d+\\)$`));
    expect(report.checks.find((c) => c.item === 'API socket: any')?.detail).toMatch(new RegExp(`^dockerode reached (Docker|Podman) \\d+\\.\\d+\\S* at ${hostSocket}$`));
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '@qraft/cli';
import { stackHealthCli } from './qraft-health';

async function cli(argv: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const root = mkdtempSync(join(tmpdir(), 'qraft-health-stack-'));
  try {
    const code = await runCli(stackHealthCli({ env, isTTY: false }, root), argv, { out: (t) => (stdout += `${t}\n`), err: (t) => (stderr += `${t}\n`) });
    return { code, stdout, stderr };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const NO_ENGINE = join(tmpdir(), `qraft-no-engine-${process.pid}.sock`);

describe('qraft-health from @qraft/stack', () => {
  it('checks every available service of the model with the readiness gate of `up`, and exits 1 when none answers', async () => {
    const { code, stdout } = await cli(['stack', '--images', 'offline', '--socket', NO_ENGINE, '--json']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as { checks: Array<{ name: string; state: string; error: string }> };
    expect(report.checks.map((c) => c.name)).toEqual(['nats', 'clickhouse', 'prometheus', 'exporter', 'app']);
    expect(report.checks.every((c) => c.state === 'down' && c.error.includes('no container engine answers on its socket'))).toBe(true);
  });

  it('exits 2 naming the variable when the stack definition is invalid', async () => {
    const { code, stderr } = await cli(['stack'], { QRAFT_CLICKHOUSE_HTTP_PORT: 'eighty' });
    expect(code).toBe(2);
    expect(stderr).toContain('the stack definition is invalid');
    expect(stderr).toContain('QRAFT_CLICKHOUSE_HTTP_PORT');
  });

  it('probes one container through the socket given, and says when no engine answers there', async () => {
    const { code, stdout } = await cli(['container', 'qraft-nats', '--socket', NO_ENGINE]);
    expect(code).toBe(1);
    expect(stdout).toContain('container qraft-nats: no container engine answers on its socket');
  });

  it('keeps the protocol commands of @qraft/health', async () => {
    const { code, stderr } = await cli(['nats', 'http://127.0.0.1:4222']);
    expect(code).toBe(2);
    expect(stderr).toContain('nats URL "http://127.0.0.1:4222" must start with nats:// or tls://');
  });
});

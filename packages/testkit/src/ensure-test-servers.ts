import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { findBinary } from './server-process';

const SERVERS = ['nats-server', 'clickhouse-server', 'prometheus'] as const;
const ENGINE_SH = join(__dirname, '..', '..', '..', 'infra', 'scripts', 'engine.sh');
// Parallel jest projects run this at once; apt/dpkg allow one installer at a time.
const LOCK = '/tmp/qraft-test-servers.lock';

const missing = (): string[] => SERVERS.filter((s) => !findBinary(s));
const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

/**
 * Jest globalSetup of every project whose tests start the real servers (jest.preset.js `realServers`).
 * A fresh machine must not pass with those suites skipped: a missing nats-server, clickhouse-server or
 * prometheus is installed (root + apt, `infra/scripts/engine.sh --servers`), else the run fails naming the
 * fix. `QRAFT_SKIP_REAL_SERVERS=1` skips those tests on purpose.
 */
export default async function ensureTestServers(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const before = missing();
  if (before.length === 0) return;
  if (env['QRAFT_SKIP_REAL_SERVERS'] === '1') {
    console.warn(`\nQRAFT_SKIP_REAL_SERVERS=1: the tests that need ${before.join(', ')} are skipped on purpose`);
    return;
  }
  if (process.getuid?.() === 0 && has('apt-get') && has('flock')) {
    console.log(`\ntest servers: ${before.join(', ')} missing — installing them (bash infra/scripts/engine.sh --servers)`);
    const run = spawnSync('flock', [LOCK, 'bash', ENGINE_SH, '--servers'], { stdio: ['ignore', 'inherit', 'inherit'] });
    const after = missing();
    if (run.status === 0 && after.length === 0) return;
    throw new Error(`test servers: installing ${after.join(', ')} failed (exit ${run.status}) — see the output above, then run \`bash infra/scripts/engine.sh --servers\` as root`);
  }
  throw new Error(
    `test servers: ${before.join(', ')} not installed — install them with \`sudo bash infra/scripts/engine.sh --servers\` (Debian/Ubuntu), ` +
      'or set QRAFT_SKIP_REAL_SERVERS=1 to skip the tests that need them on purpose',
  );
}

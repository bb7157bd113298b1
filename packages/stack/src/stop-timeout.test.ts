import { resolve } from 'node:path';
import { composeFilePath, loadStack } from '@qraft/config';
import { realEngineSkipReason } from '@qraft/testkit';
import { COMPOSE_V2_MISSING } from './busybox-test-image';
import { probeComposeTool } from './runtime';
import { runCommand } from './run-command';
import { stopTimeoutArgs } from './stop-timeout';

const model = loadStack({ imageSet: 'offline' });
const shutdownTimeoutMs = Number(model.services.app.environment['QRAFT_SHUTDOWN_TIMEOUT_MS']);

describe('the stop grace period a compose down or restart gives', () => {
  it('gives podman-compose (which does not pass stop_grace_period on) the app\'s, which outlasts its shutdown timeout', () => {
    const [flag, seconds] = stopTimeoutArgs(model, { name: 'podman-compose' });
    expect(flag).toBe('-t');
    expect(shutdownTimeoutMs).toBeGreaterThan(10_000);
    expect(Number(seconds) * 1000).toBeGreaterThan(shutdownTimeoutMs);
  });

  it('leaves docker compose to read it from the file, where the app\'s outlasts its shutdown timeout (compose config of the real file)', async () => {
    expect(stopTimeoutArgs(model, { name: 'docker-compose-v2' })).toEqual([]);
    const tool = await probeComposeTool('docker-compose-v2');
    if (!tool) {
      console.warn(`SKIPPED the compose config check: ${realEngineSkipReason(COMPOSE_V2_MISSING)}`);
      return;
    }
    const file = resolve(__dirname, '../../..', composeFilePath(model.variant, model.imageSet));
    const config = await runCommand('docker', ['compose', '-p', 'qraft-stop-timeout-test', '-f', file, 'config', '--format', 'json']);
    const app = (JSON.parse(config.stdout) as { services: Record<string, { stop_grace_period?: string }> }).services['app']!;
    expect(app.stop_grace_period).toMatch(/^\d+s$/);
    expect(parseInt(app.stop_grace_period!, 10) * 1000).toBeGreaterThan(shutdownTimeoutMs);
  });
});

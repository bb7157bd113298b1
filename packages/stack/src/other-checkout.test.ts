import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { loadStack, type StackModel } from '@qraft/config';
import { busyboxContainers, busyboxSkipReason, DOCKER_SOCKET } from './busybox-test-image';
import { downStack } from './down';
import type { StackHandle } from './open-stack';
import { clearOtherCheckouts, WORKING_DIR_LABEL } from './other-checkout';
import { silentProgress } from './progress';
import { detectRuntime } from './runtime';

const IMAGE = 'qraft-stack-test-busybox:other-checkout';
const reason = busyboxSkipReason();
if (reason) console.warn(`SKIPPED other-checkout tests: ${reason}`);

(reason ? describe.skip : describe)('up and down refuse containers of another checkout (real Docker engine)', () => {
  const docker = new Dockerode({ socketPath: DOCKER_SOCKET });
  const prefix = `qraft-stack-test-${process.pid}`;
  const boxes = busyboxContainers(docker, IMAGE, prefix);
  // The stack's real model, with container names of this test's own so the host's stack is not touched.
  const stack = loadStack({ imageSet: 'offline' });
  const model: StackModel = {
    ...stack,
    services: Object.fromEntries(Object.entries(stack.services).map(([k, s]) => [k, { ...s, containerName: `${prefix}-${k}` }])) as StackModel['services'],
  };

  beforeAll(boxes.build, 60_000);
  afterAll(boxes.cleanUp);

  /** A container as compose leaves it: named for a service, labelled with the project directory it came from. */
  async function composeContainer(service: string, workingDir: string): Promise<void> {
    await boxes.create(service, { Cmd: ['true'], Labels: { [WORKING_DIR_LABEL]: workingDir } });
  }

  const exists = async (name: string) => docker.getContainer(name).inspect().then(() => true, () => false);

  it('accepts its own checkout’s containers and names another checkout’s, where they came from and how to clear them', async () => {
    const other = mkdtempSync(join(tmpdir(), 'qraft-other-clone-'));
    mkdirSync(join(other, 'configs/compose'), { recursive: true });
    try {
      await composeContainer('nats', '/srv/qraft/configs/compose');
      await expect(clearOtherCheckouts(docker, model, '/srv/qraft', 'configs/compose/dev.offline.yml', 'docker')).resolves.toEqual([]);

      await composeContainer('app', join(other, 'configs/compose'));
      const error = await clearOtherCheckouts(docker, model, '/srv/qraft', 'configs/compose/dev.offline.yml', 'docker').then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error?.message).toBe(
        `${prefix}-app belongs to the stack of another checkout (${other}), not to /srv/qraft — ` +
          `bring that stack down first (cd ${other} && pnpm nx run infra:down), or remove its containers: docker rm -f ${prefix}-app`,
      );
      expect(await exists(`${prefix}-app`)).toBe(true);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  }, 30_000);

  it('removes the containers of a checkout that no longer exists, and says which', async () => {
    await composeContainer('clickhouse', join(tmpdir(), `qraft-deleted-clone-${process.pid}`, 'configs/compose'));
    await expect(clearOtherCheckouts(docker, model, '/srv/qraft', 'configs/compose/dev.offline.yml', 'docker')).resolves.toContain(`${prefix}-clickhouse`);
    expect(await exists(`${prefix}-clickhouse`)).toBe(false);
  }, 30_000);

  it('down leaves another checkout’s containers alone and says whose they are', async () => {
    const other = mkdtempSync(join(tmpdir(), 'qraft-other-clone-'));
    const here = mkdtempSync(join(tmpdir(), 'qraft-this-clone-'));
    mkdirSync(join(other, 'configs/compose'), { recursive: true });
    try {
      await composeContainer('prometheus', join(other, 'configs/compose'));
      const runtime = await detectRuntime('docker');
      // A project of this test's own: were the refusal missing, compose would take down nothing of anyone's.
      const handle = { model, runtime, docker, workspaceRoot: here, target: { runtime, file: 'configs/compose/dev.offline.yml', project: prefix, cwd: here } } as unknown as StackHandle;
      await expect(downStack(handle, silentProgress)).rejects.toThrow(`${prefix}-prometheus belongs to the stack of another checkout (${other}), not to ${here}`);
      expect(await exists(`${prefix}-prometheus`)).toBe(true);
    } finally {
      rmSync(other, { recursive: true, force: true });
      rmSync(here, { recursive: true, force: true });
    }
  }, 30_000);
});

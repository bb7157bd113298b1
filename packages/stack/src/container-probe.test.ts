import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { probeContainer } from './container-probe';
import { busyboxContainers, busyboxSkipReason, DOCKER_SOCKET } from './busybox-test-image';
import { retryUntil } from '@qraft/retry';

const IMAGE = 'qraft-health-test-busybox:1';
const reason = busyboxSkipReason();
if (reason) console.warn(`SKIPPED container probe tests: ${reason}`);

(reason ? describe.skip : describe)('probeContainer against a real Docker engine', () => {
  const docker = new Dockerode({ socketPath: DOCKER_SOCKET });
  const boxes = busyboxContainers(docker, IMAGE, `qraft-health-test-${process.pid}`);
  beforeAll(boxes.build, 60_000);
  afterAll(boxes.cleanUp);

  async function run(suffix: string, options: Omit<Dockerode.ContainerCreateOptions, 'name' | 'Image'>): Promise<string> {
    await (await boxes.create(suffix, options)).start();
    return boxes.name(suffix);
  }

  const until = <T extends { state: string }>(fn: () => Promise<T>, state: string) =>
    retryUntil(fn, (r) => r.state === state, { timeoutMs: 20_000 });

  it('reports a running container without a healthcheck as up, with its restart count', async () => {
    const name = await run('running', { Cmd: ['sleep', '600'], HostConfig: { Init: true } });
    const result = await probeContainer({ docker, name });
    expect(result).toMatchObject({ ok: true, state: 'up', detail: 'running, no healthcheck, 0 restarts' });
  });

  it('reports an exited container down with its exit code and the command to see why', async () => {
    const name = await run('exited', { Cmd: ['sh', '-c', 'exit 3'] });
    const result = await until(() => probeContainer({ docker, name }), 'down');
    expect(result.error).toBe(`container ${name} is exited: it exited with code 3 — see \`docker logs ${name}\``);
  });

  it('reports a container whose healthcheck fails as degraded, and down when engine health is required', async () => {
    const name = await run('unhealthy', {
      Cmd: ['sleep', '600'],
      HostConfig: { Init: true },
      Healthcheck: { Test: ['CMD', '/bin/false'], Interval: 100_000_000, Timeout: 1_000_000_000, Retries: 1 },
    });
    const result = await until(() => probeContainer({ docker, name }), 'degraded');
    expect(result.detail).toBe('running, health unhealthy, 0 restarts');
    expect(result.error).toContain('healthcheck reports unhealthy');
    expect((await probeContainer({ docker, name, engineHealth: 'require' })).state).toBe('down');
  });

  it('counts restarts of a crash-looping container', async () => {
    const name = await run('restarting', { Cmd: ['sh', '-c', 'exit 1'], HostConfig: { RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 } } });
    const result = await retryUntil(
      () => docker.getContainer(name).inspect(),
      (info) => info.RestartCount === 2 && !info.State.Running && !info.State.Restarting,
      { timeoutMs: 20_000 },
    ).then(() => probeContainer({ docker, name }));
    expect(result.state).toBe('down');
    expect(result.detail).toBe('exited, no healthcheck, 2 restarts');
  });

  it('reports a container killed under a memory limit as OOM-killed only when the engine says so, else as killed (137)', async () => {
    const name = await run('oom', {
      // dd with a 64 MiB block size allocates it at once; the 16 MiB limit makes the kernel kill it.
      Cmd: ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=64M', 'count=1'],
      HostConfig: { Memory: 16 * 1024 * 1024, MemorySwap: 16 * 1024 * 1024 },
    });
    const result = await until(() => probeContainer({ docker, name }), 'down');
    // Docker on cgroup v1 sometimes drops the OOMKilled flag: the probe may only claim what the engine reports.
    const { State } = await docker.getContainer(name).inspect();
    if (State.OOMKilled) {
      expect(result.detail).toMatch(/OOM-killed/);
      expect(result.error).toMatch(/OOM-killed — raise its memory limit/);
    } else {
      expect(State.ExitCode).toBe(137);
      expect(result.detail).toMatch(/killed \(137\)/);
      expect(result.detail).not.toMatch(/OOM/);
      expect(result.error).toMatch(/killed \(137\); the engine did not report an OOM kill, but if its memory limit is tight, raise it/);
    }
  });

  it('reports a container that does not exist as down, with how to look', async () => {
    const result = await probeContainer({ docker, name: boxes.name('missing') });
    expect(result).toMatchObject({ state: 'down', detail: 'not found' });
    expect(result.error).toContain('does not exist — is the stack up?');
  });

  it('reports down with the fix when no engine answers on the socket', async () => {
    const nowhere = new Dockerode({ socketPath: join(tmpdir(), `no-engine-${process.pid}.sock`) });
    const result = await probeContainer({ docker: nowhere, name: 'anything' });
    expect(result).toMatchObject({ state: 'down', detail: 'engine unreachable' });
    expect(result.error).toContain('start dockerd or `podman system service`');
  });
});

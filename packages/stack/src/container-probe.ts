import type Dockerode from 'dockerode';
import { ProbeFailure, runProbe, type ProbeOptions, type ProbeResult } from '@qraft/health';

export interface ContainerProbeOptions extends ProbeOptions {
  /** A connected client (Docker's socket or Podman's Docker-compatible one). */
  readonly docker: Dockerode;
  /** Container name or id. */
  readonly name: string;
  /**
   * How the engine's own healthcheck counts. 'report' (default): shown, `unhealthy` degrades, `starting`
   * does not block — Podman without systemd never runs healthchecks, so they stay `starting` forever.
   * 'require': only `healthy` (or no healthcheck) is up.
   */
  readonly engineHealth?: 'report' | 'require';
}

/** Running, engine health state if any, restart count and OOM kill, via the engine API. */
export function probeContainer(options: ContainerProbeOptions): Promise<ProbeResult> {
  const what = `container ${options.name}`;
  return runProbe('container', options.name, options, async ({ signal }) => {
    const info = await options.docker
      .getContainer(options.name)
      .inspect({ abortSignal: signal } as object)
      .catch((error: { statusCode?: number; code?: string }) => {
        if (error.statusCode === 404) {
          throw new ProbeFailure('down', `${what} does not exist — is the stack up? (docker ps -a / podman ps -a)`, 'not found');
        }
        if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED' || error.code === 'EACCES') {
          throw new ProbeFailure(
            'down',
            `${what}: no container engine answers on its socket (${error.code}) — start dockerd or \`podman system service\`, or set DOCKER_HOST`,
            'engine unreachable',
          );
        }
        throw error;
      });
    const s = info.State;
    const restarts = info.RestartCount ?? 0;
    const health = (s as { Health?: { Status?: string; Log?: Array<{ Output?: string }> } }).Health;
    const parts = [s.Status, health?.Status ? `health ${health.Status}` : 'no healthcheck', `${restarts} restarts`];
    if (s.OOMKilled) parts.push('OOM-killed');
    // Exit 137 is SIGKILL: the kernel's OOM killer, `docker kill` or a fault test alike. Only the engine's
    // OOMKilled flag tells them apart (Docker 20.10 on cgroup v1 sometimes drops it), so without the flag the
    // probe says what it knows — killed — and names memory only as a possibility.
    const killed = !s.OOMKilled && !s.Running && s.ExitCode === 137;
    if (killed) parts.push('killed (137)');
    const detail = parts.join(', ');
    if (!s.Running || s.Restarting) {
      const limited = ((info.HostConfig as { Memory?: number } | undefined)?.Memory ?? 0) > 0;
      const why = s.OOMKilled
        ? 'it was OOM-killed — raise its memory limit'
        : killed
          ? `it was killed (137)${limited ? '; the engine did not report an OOM kill, but if its memory limit is tight, raise it' : ''} — see \`docker logs ${options.name}\``
          : `it exited with code ${s.ExitCode}${s.Error ? ` (${s.Error})` : ''} — see \`docker logs ${options.name}\``;
      throw new ProbeFailure('down', `${what} is ${s.Status}: ${why}`, detail);
    }
    const lastCheck = health?.Log?.at(-1)?.Output?.trim().slice(0, 160);
    if (health?.Status === 'unhealthy') {
      throw new ProbeFailure(
        options.engineHealth === 'require' ? 'down' : 'degraded',
        `${what} is running but its healthcheck reports unhealthy${lastCheck ? `: ${lastCheck}` : ''}`,
        detail,
      );
    }
    if (health?.Status === 'starting' && options.engineHealth === 'require') {
      throw new ProbeFailure('down', `${what} is running but its healthcheck has not passed yet (starting)`, detail);
    }
    if (s.OOMKilled) {
      throw new ProbeFailure('degraded', `${what} is running but was OOM-killed before — raise its memory limit`, detail);
    }
    return detail;
  });
}

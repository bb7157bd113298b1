import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { realEngineSkipReason } from '@qraft/testkit';
import type Dockerode from 'dockerode';

/** For tests against the real Docker engine: its socket. */
export const DOCKER_SOCKET = '/var/run/docker.sock';
const BUSYBOX = '/bin/busybox';
/** What the compose config checks say (through realEngineSkipReason) when docker compose v2 is not there. */
export const COMPOSE_V2_MISSING = 'docker compose v2 is not installed — run `pnpm nx run infra:engine`';

/** realEngineSkipReason for the busybox tests: Docker's socket and busybox-static (both installed by `infra:engine`). */
export function busyboxSkipReason(env: Readonly<Record<string, string | undefined>> = process.env, socket = DOCKER_SOCKET, busybox = BUSYBOX): string | undefined {
  const missing = !existsSync(socket)
    ? `no container engine socket at ${socket} — run \`pnpm nx run infra:engine\``
    : !existsSync(busybox)
      ? `${busybox} is missing — run \`pnpm nx run infra:engine\` (or apt-get install -y busybox-static)`
      : undefined;
  return realEngineSkipReason(missing, env);
}

/** No registry here: a FROM-scratch image holding only busybox-static, built from a local context. */
export async function buildBusyboxImage(docker: Dockerode, tag: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'qraft-busybox-'));
  try {
    copyFileSync(BUSYBOX, join(dir, 'busybox'));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox","--install","-s","/bin"]\n');
    const tar = spawnSync('tar', ['-C', dir, '-c', '.'], { maxBuffer: 64 * 1024 * 1024 });
    if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr.toString()}`);
    const stream = await docker.buildImage(Buffer.from(tar.stdout) as unknown as NodeJS.ReadableStream, { t: tag, rm: true, forcerm: true });
    const output = await new Promise<Array<{ error?: string }>>((resolve, reject) =>
      docker.modem.followProgress(stream, (err, res) => (err ? reject(err) : resolve(res as Array<{ error?: string }>))),
    );
    const failed = output.find((o) => o.error);
    if (failed) throw new Error(`image build failed: ${failed.error}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Busybox containers for one test file: `build` before its tests, `create` makes `<prefix>-<suffix>` from the image,
 * `cleanUp` after them removes every container made and the image.
 */
export function busyboxContainers(docker: Dockerode, tag: string, prefix: string) {
  const created: string[] = [];
  const name = (suffix: string) => `${prefix}-${suffix}`;
  return {
    name,
    build: () => buildBusyboxImage(docker, tag),
    create: (suffix: string, options: Omit<Dockerode.ContainerCreateOptions, 'name' | 'Image'> = {}): Promise<Dockerode.Container> => {
      created.push(name(suffix));
      return docker.createContainer({ ...options, name: name(suffix), Image: tag });
    },
    cleanUp: async (): Promise<void> => {
      await Promise.all(created.map((n) => docker.getContainer(n).remove({ force: true }).catch(() => undefined)));
      await docker.getImage(tag).remove({ force: true }).catch(() => undefined);
    },
  };
}

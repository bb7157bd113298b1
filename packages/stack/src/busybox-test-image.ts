import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Dockerode from 'dockerode';

/** For tests against the real Docker engine: its socket. */
export const DOCKER_SOCKET = '/var/run/docker.sock';
const BUSYBOX = '/bin/busybox';

/**
 * Undefined when the real-engine tests can run here. A Docker engine and busybox-static can be installed on any
 * machine this project supports (`infra:engine` does both), so a missing one fails the test file with the fix; only
 * `QRAFT_SKIP_REAL_SERVERS=1`, the project's one opt-out for tests that need real servers, turns it into a skip,
 * whose reason is returned.
 */
export function busyboxSkipReason(env: Readonly<Record<string, string | undefined>> = process.env, socket = DOCKER_SOCKET, busybox = BUSYBOX): string | undefined {
  const missing = !existsSync(socket)
    ? `no container engine socket at ${socket} — run \`pnpm nx run infra:engine\``
    : !existsSync(busybox)
      ? `${busybox} is missing — run \`pnpm nx run infra:engine\` (or apt-get install -y busybox-static)`
      : undefined;
  if (missing === undefined) return undefined;
  if (env['QRAFT_SKIP_REAL_SERVERS'] === '1') return `${missing}; skipped because QRAFT_SKIP_REAL_SERVERS=1`;
  throw new Error(`the real-engine tests cannot run: ${missing} (or set QRAFT_SKIP_REAL_SERVERS=1 to skip them on purpose)`);
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

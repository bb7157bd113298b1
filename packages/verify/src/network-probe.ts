import { randomUUID } from 'node:crypto';
import { readContainerLogs } from '@qraft/stack';
import { skip } from './outcome';
import type { StackContext } from './stack-context';

/**
 * Runs a Node script in a throwaway container (the probe image, uid 1000) attached to one of the stack's own
 * networks, and returns the JSON it prints last. The checks reach unpublished services this way, so the prod
 * variant (nothing on the backend published) is covered like dev.
 */
export async function runInStackNetwork<T>(context: StackContext, network: string, script: string, input: unknown): Promise<T> {
  const { docker } = context;
  const imageOk = await docker.getImage(context.probeImage).inspect().then(() => true, () => false);
  if (!imageOk) skip(`probe image ${context.probeImage} is not built`);
  const container = await docker.createContainer({
    name: `qraft-verify-probe-${randomUUID().slice(0, 8)}`,
    Image: context.probeImage,
    Entrypoint: ['node'],
    Cmd: ['-e', script, JSON.stringify(input)],
    User: '1000:1000',
    HostConfig: { NetworkMode: network, AutoRemove: false },
  });
  try {
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    const output = await readContainerLogs(docker, container.id);
    const line = output.split('\n').filter((l) => l.startsWith('[') || l.startsWith('{')).at(-1);
    if (StatusCode !== 0 || !line) throw new Error(`probe container on ${network} exited ${StatusCode}: ${output.slice(0, 400)}`);
    return JSON.parse(line) as T;
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
}

/** The compose network of `service`'s container whose name ends in `_<suffix>` (or `-<suffix>`). */
export async function networkOf(context: StackContext, service: string, suffix: 'backend' | 'frontend'): Promise<string> {
  const s = context.services.find((x) => x.name === service);
  if (!s?.available) skip(`${service} is not part of this stack`);
  const info = await context.docker.getContainer(s.containerName).inspect();
  const names = Object.keys(info.NetworkSettings.Networks ?? {});
  const name = names.find((n) => n.endsWith(`_${suffix}`) || n.endsWith(`-${suffix}`));
  if (!name) throw new Error(`${s.containerName} is on no ${suffix} network (${names.join(', ')})`);
  return name;
}

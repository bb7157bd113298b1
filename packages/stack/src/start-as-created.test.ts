import Dockerode from 'dockerode';
import { busyboxContainers, busyboxSkipReason, DOCKER_SOCKET } from './busybox-test-image';
import { startAsCreated } from './start-as-created';

const IMAGE = 'qraft-stack-test-busybox:1';
const reason = busyboxSkipReason();
if (reason) console.warn(`SKIPPED start-as-created tests: ${reason}`);

(reason ? describe.skip : describe)('startAsCreated against a real Docker engine', () => {
  const docker = new Dockerode({ socketPath: DOCKER_SOCKET });
  const boxes = busyboxContainers(docker, IMAGE, `qraft-stack-test-${process.pid}`);
  beforeAll(boxes.build, 60_000);
  afterAll(boxes.cleanUp);

  /** A container as `podman-compose up --no-start` leaves it: created, not started. */
  async function create(suffix: string, cmd: string[] = ['sleep', '600']): Promise<{ name: string; id: string }> {
    // No init for a command that cannot run: docker-init would start and only its child would fail.
    const container = await boxes.create(suffix, { Cmd: cmd, HostConfig: { Init: cmd[0] === 'sleep' } });
    return { name: boxes.name(suffix), id: container.id };
  }
  const running = async (name: string) => (await docker.getContainer(name).inspect()).State.Running;

  it('starts a container as soon as compose prints its ID, and at the end one it never printed', async () => {
    const printed = await create('printed');
    const unprinted = await create('unprinted');
    const starter = startAsCreated(docker, [printed.name, unprinted.name]);
    starter.onLine(printed.id);
    starter.onLine('a0'.repeat(32)); // the pod's ID podman-compose prints first: no container, no error
    starter.onLine('recreating: done');
    // Started before finish() is called: that is what lets the app boot while compose creates the rest.
    for (let i = 0; i < 100 && !(await running(printed.name)); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await running(printed.name)).toBe(true);
    expect(await running(unprinted.name)).toBe(false);
    await starter.finish();
    expect(await running(unprinted.name)).toBe(true);
  });

  it('says a container that exists already is kept, where podman-compose prints that its name is in use, and starts it', async () => {
    const kept = await create('kept');
    const starter = startAsCreated(docker, [kept.name]);
    const podman = `Error: creating container storage: the container name "${kept.name}" is already in use by ${kept.id}. You have to remove that container to be able to reuse that name: that name is already in use, or use --replace to instruct Podman to do so.`;
    expect(starter.onLine(podman)).toBe(`${kept.name} exists already: kept as it is, started if it is not running`);
    // The same refusal for a name that is not the stack's is shown as podman printed it.
    const other = podman.replaceAll(kept.name, 'someone-else');
    expect(starter.onLine(other)).toBe(other);
    await starter.finish();
    expect(await running(kept.name)).toBe(true);
  });

  it('names each container that did not start, with the engine\'s reason', async () => {
    const fine = await create('fine');
    const broken = await create('broken', ['/no/such/binary']);
    const starter = startAsCreated(docker, [fine.name, broken.name]);
    starter.onLine(broken.id);
    const error = await starter.finish().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toContain('compose created the containers but these did not start:');
    expect(error?.message).toContain(`${broken.name}: `);
    expect(error?.message).toContain('/no/such/binary');
    expect(error?.message).not.toContain(`${fine.name}:`);
    expect(await running(fine.name)).toBe(true);
  });
});

import type Dockerode from 'dockerode';

/** Starts the containers of a compose call that only creates them (`up --no-start`), each as soon as it exists. */
export interface CreatedStarter {
  /**
   * Each line compose prints: a container ID (`podman create` prints one per container) is started right away.
   * Answers the line to show: podman's refusal to create a container of the stack that exists already (podman-compose
   * 1.3 prints one for each when the stack's configuration did not change, e.g. `up` of a stack that is up) becomes a
   * line saying that container is kept; finish() starts it if it is not running.
   */
  readonly onLine: (line: string) => string;
  /**
   * After compose returned: waits for those starts, then starts each named container through the engine's API
   * once more (a running one answers 304), so one that compose found already created, or whose early start failed,
   * is started or named. Throws one error naming every container that could not start.
   */
  readonly finish: () => Promise<void>;
}

const CONTAINER_ID = /^[0-9a-f]{64}$/;
const NAME_IN_USE = /the container name "([^"]+)" is already in use/;

/** dockerode rejects with the engine's HTTP status: 304 is "already started". */
const statusOf = (error: unknown): number | undefined => (error as { statusCode?: number } | null)?.statusCode;

/**
 * Without `--requires` (no depends_on in the document compose read), no container's start starts another, so
 * starting each the moment it exists races nothing and overlaps the slow ones' start-up with the creation of the
 * rest. Early starts never throw: a pod's ID (podman-compose 1.3 creates `pod_<project>` first) is not a container,
 * and a real failure shows again, with its reason, in finish().
 */
export function startAsCreated(docker: Dockerode, containerNames: readonly string[]): CreatedStarter {
  const early: Array<Promise<unknown>> = [];
  return {
    onLine: (line) => {
      const id = line.trim();
      if (CONTAINER_ID.test(id)) early.push(docker.getContainer(id).start().catch(() => undefined));
      const inUse = NAME_IN_USE.exec(line)?.[1];
      return inUse !== undefined && containerNames.includes(inUse) ? `${inUse} exists already: kept as it is, started if it is not running` : line;
    },
    finish: async () => {
      await Promise.all(early);
      const failures = await Promise.all(
        containerNames.map((name) =>
          docker
            .getContainer(name)
            .start()
            .then(
              () => undefined,
              (error: unknown) => (statusOf(error) === 304 ? undefined : `${name}: ${error instanceof Error ? error.message : String(error)}`),
            ),
        ),
      );
      const failed = failures.filter((f): f is string => f !== undefined);
      if (failed.length > 0) {
        throw new Error(`compose created the containers but these did not start:\n${failed.join('\n')}\nthe reason is the engine's: fix it and run \`pnpm nx run infra:up\` again (\`pnpm nx run infra:logs\` shows each container's log)`);
      }
    },
  };
}

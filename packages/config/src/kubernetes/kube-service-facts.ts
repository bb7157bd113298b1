import { SERVICE_CATALOG } from '../service-catalog';
import type { NetworkName, ServiceName, StackModel } from '../stack-model';

/** Everything the Kubernetes renderers need to know about one service. */
export interface KubeServiceFacts {
  readonly name: ServiceName;
  readonly image: string;
  /** Built on the host (the app), not pulled from a registry. */
  readonly builtLocally: boolean;
  /** Compose `command` replaces the image's CMD, which is Kubernetes' `args`. */
  readonly args: readonly string[] | undefined;
  readonly uid: number;
  readonly gid: number;
  readonly ports: ReadonlyArray<{ readonly name: string; readonly container: number }>;
  readonly readiness: {
    readonly port: string;
    readonly path: string;
    readonly intervalMs: number;
    readonly timeoutMs: number;
    readonly retries: number;
    readonly startPeriodMs: number;
    /** The healthcheck's shell line, when it must log in (an httpGet probe cannot read a secret file). */
    readonly command: string | undefined;
  };
  /** Generated configuration directory (repo-relative) and where the container reads it. */
  readonly config: { readonly dir: string; readonly mountPath: string } | undefined;
  readonly dataPath: string | undefined;
  readonly logPath: string | undefined;
  readonly tmpfs: readonly string[];
  readonly readOnlyRootFs: boolean;
  readonly environment: Readonly<Record<string, string>>;
  /** Secret key (its name), the file under secrets/ and where the container reads it. */
  readonly secrets: ReadonlyArray<{ readonly name: string; readonly file: string; readonly target: string }>;
  readonly networks: readonly NetworkName[];
  readonly cpus: number;
  readonly memoryBytes: number;
  /** Ports the compose variant publishes on the host: in a cluster, open to clients outside the stack. */
  readonly publishedPorts: readonly string[];
  /** After SIGTERM, before the kill; undefined: Kubernetes' default (30 s). */
  readonly stopGracePeriodMs: number | undefined;
}

/**
 * The one place the Kubernetes rendering reads service facts: from the stack model, plus the readiness
 * port and path (still in the service catalog; when they move into the model, only this adapter changes).
 */
export function kubeServiceFacts(model: StackModel): KubeServiceFacts[] {
  return Object.values(model.services)
    .filter((s) => s.available)
    .map((s) => {
      const health = SERVICE_CATALOG[s.name].health;
      return {
        name: s.name,
        image: s.image.reference,
        builtLocally: s.build !== undefined,
        args: s.command,
        uid: s.user.uid,
        gid: s.user.gid,
        ports: s.ports.map((p) => ({ name: p.name, container: p.container })),
        readiness: {
          port: health.port,
          path: health.path,
          intervalMs: s.healthcheck.intervalMs,
          timeoutMs: s.healthcheck.timeoutMs,
          retries: s.healthcheck.retries,
          startPeriodMs: s.healthcheck.startPeriodMs,
          command: health.basicAuth ? s.healthcheck.command : undefined,
        },
        config: s.config ? { dir: s.config.host, mountPath: s.config.container } : undefined,
        dataPath: s.data?.container,
        logPath: s.logs?.container,
        tmpfs: s.tmpfs,
        readOnlyRootFs: s.readOnlyRootFs,
        environment: s.environment,
        secrets: s.secrets.map((use) => {
          const secret = model.secrets.find((m) => m.name === use.name)!;
          return { name: use.name, file: secret.file, target: use.target };
        }),
        networks: s.networks,
        cpus: s.resources.cpus,
        memoryBytes: s.resources.memoryBytes,
        publishedPorts: s.ports.filter((p) => p.host !== undefined).map((p) => p.name),
        stopGracePeriodMs: s.stopGracePeriodMs,
      };
    });
}

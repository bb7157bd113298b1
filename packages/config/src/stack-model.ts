export const SERVICE_NAMES = ['nats', 'clickhouse', 'prometheus', 'grafana', 'nats-exporter', 'exporter', 'app'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export const VARIANTS = ['dev', 'prod'] as const;
export type Variant = (typeof VARIANTS)[number];

export const IMAGE_SETS = ['registry', 'offline'] as const;
export type ImageSet = (typeof IMAGE_SETS)[number];

export const NETWORK_NAMES = ['frontend', 'backend'] as const;
export type NetworkName = (typeof NETWORK_NAMES)[number];

/** One port a service listens on inside its container. */
export interface PortModel {
  /** Short name, unique within the service: `client`, `http`, `metrics` … */
  readonly name: string;
  /** `<service>.<name>`, the id used in error messages. */
  readonly id: string;
  readonly container: number;
  /** URL scheme a client uses for this port. */
  readonly scheme: 'nats' | 'http' | 'tcp';
  /** Host port when published (bound to `hostIp`), undefined when the variant keeps it private. */
  readonly host: number | undefined;
  readonly hostIp: '127.0.0.1';
  /** Environment variable that overrides the host port, e.g. QRAFT_CLICKHOUSE_HTTP_PORT. */
  readonly env: string;
}

export interface HealthcheckModel {
  /** One shell command line (rendered as CMD-SHELL: podman-compose 1.0.3 mangles CMD arrays). */
  readonly command: string;
  /** Executables the command needs inside the container. */
  readonly needs: readonly string[];
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly startPeriodMs: number;
}

/**
 * How the stack's readiness gate (`up`, `ps`, verify, the fault suite, `qraft-health stack`) knows a service is
 * ready: besides its container running, the protocol probe that must pass, on which of its ports, at which path,
 * with which credentials. Engine healthchecks are not enough (Podman without systemd never runs them).
 */
export interface ReadinessModel {
  /** `nats`: connect and round trip; `clickhouse`: ping and a query; `http`: 2xx at `path`; `app`: its /readyz. */
  readonly probe: 'nats' | 'clickhouse' | 'http' | 'app';
  /** Name of the port probed; from the host only when the variant publishes it (else the container state counts). */
  readonly port: string;
  /** Request path of an `http` probe. */
  readonly path: string | undefined;
  /** Credentials the probe needs, from the stack's secrets. */
  readonly needs: 'clickhouse-app' | 'prometheus' | undefined;
}

export interface MountModel {
  /** Host path relative to the repository root. */
  readonly host: string;
  readonly container: string;
}

export interface ResourcesModel {
  readonly cpus: number;
  /** Compose memory string ("512m"); `memoryBytes` is the parsed value. */
  readonly memory: string;
  readonly memoryBytes: number;
  readonly pids: number;
  /** Environment variable that overrides the memory limit, e.g. QRAFT_CLICKHOUSE_MEMORY. */
  readonly memoryEnv: string;
}

export interface ImageModel {
  /** Reference as pulled or built, with the registry mirror applied. */
  readonly reference: string;
  /** True for images pulled from a registry (the mirror applies), false for images built on this host. */
  readonly pulled: boolean;
  /** Version of the server inside the image. */
  readonly version: string;
}

export interface CapabilitiesModel {
  /** The image serves Prometheus metrics itself on `metrics.port`. */
  readonly metrics: boolean;
  /** ClickHouse SQL features the app may use (only on clickhouse). */
  readonly clickhouse?: { readonly lowCardinality: boolean; readonly dateTime64: boolean; readonly ttl: boolean };
}

export interface SecretUse {
  readonly name: string;
  /** Absolute path inside the container. */
  readonly target: string;
}

/** Where Prometheus scrapes a service: one job named after it, or one job per entry of `jobs` (an exporter of several sources). */
export interface MetricsModel {
  readonly port: string;
  readonly path: string;
  readonly jobs?: ReadonlyArray<{ readonly job: string; readonly path: string }>;
}

export interface ServiceModel {
  readonly name: ServiceName;
  readonly containerName: string;
  /** False when the image set has no image for it: the service is left out, `note` says why. */
  readonly available: boolean;
  readonly note: string | undefined;
  readonly image: ImageModel;
  /** Build instructions for images built from this repository (the app). */
  readonly build:
    | {
        readonly context: string;
        readonly dockerfile: string;
        /** Passed as build arg NODE_IMAGE: the base image of the app per image set. */
        readonly baseImage: ImageModel;
      }
    | undefined;
  readonly command: readonly string[] | undefined;
  /** `uid:gid` the process runs as. */
  readonly user: { readonly uid: number; readonly gid: number };
  readonly ports: readonly PortModel[];
  readonly metrics: MetricsModel | undefined;
  readonly capabilities: CapabilitiesModel;
  /** Configuration directory, generated under configs/, mounted whole and read-only. */
  readonly config: MountModel | undefined;
  readonly data: MountModel | undefined;
  /** Log files written by the service itself; undefined when it logs to stdout only (rotated by json-file). */
  readonly logs: MountModel | undefined;
  readonly networks: readonly NetworkName[];
  readonly dependsOn: readonly ServiceName[];
  readonly healthcheck: HealthcheckModel;
  readonly readiness: ReadinessModel;
  readonly resources: ResourcesModel;
  readonly environment: Readonly<Record<string, string>>;
  readonly secrets: readonly SecretUse[];
  readonly readOnlyRootFs: boolean;
  readonly tmpfs: readonly string[];
  readonly capAdd: readonly string[];
  readonly nofile: number | undefined;
  /** How long the engine waits after SIGTERM before it kills the container; undefined: the engine's default. */
  readonly stopGracePeriodMs: number | undefined;
}

/** A credential generated on first use into secrets/<file>, readable only by the one service that needs it. */
export interface SecretModel {
  readonly name: string;
  /** Path relative to the repository root. */
  readonly file: string;
  readonly reader: ServiceName;
  /** Other services that mount the same file; they run as the reader's uid:gid (a 0600 file). */
  readonly sharedWith: readonly ServiceName[];
  readonly uid: number;
  readonly gid: number;
  /** `random`: generated once and kept; `derived`: re-rendered from other secrets when they change. */
  readonly kind: 'random' | 'derived';
  /** Read only on the host: no service mounts it, and ensureSecrets leaves it to the user who ran it. */
  readonly hostOnly?: boolean;
}

/** Who must reach whom, on which port: the networks are derived from this. */
export interface ReachabilityEdge {
  readonly from: ServiceName;
  readonly to: ServiceName;
  readonly port: string;
  readonly why: string;
}

export interface StackModel {
  readonly project: 'qraft';
  readonly variant: Variant;
  readonly imageSet: ImageSet;
  readonly registryMirror: string;
  readonly services: Readonly<Record<ServiceName, ServiceModel>>;
  readonly networks: Readonly<Record<NetworkName, { readonly internal: boolean }>>;
  readonly reachability: readonly ReachabilityEdge[];
  readonly secrets: readonly SecretModel[];
  /** ClickHouse accounts; their passwords live in secrets/. */
  readonly clickhouseUsers: { readonly app: string; readonly grafana: string; readonly exporter: string; readonly database: string };
  /** Grafana's admin account; its password lives in secrets/. */
  readonly grafanaAdmin: { readonly user: string };
  /** Prometheus' basic-auth users; their passwords live in secrets/, bcrypt hashes in secrets/prometheus_web.yml. */
  readonly prometheusUsers: { readonly stack: string; readonly grafana: string };
}

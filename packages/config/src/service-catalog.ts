import { CLICKHOUSE_USERS, GRAFANA_ADMIN_USER, NATS_ACCOUNTS, NATS_TOPOLOGY, PROMETHEUS_USERS } from './accounts';
import { SECRET_TARGETS } from './secret-targets';
import type { CapabilitiesModel, ImageSet, MetricsModel, NetworkName, ReadinessModel, ServiceName } from './stack-model';

export interface PortSpec {
  readonly name: string;
  readonly container: number;
  readonly scheme: 'nats' | 'http' | 'tcp';
  /** Variants that publish this port on 127.0.0.1. */
  readonly publishedIn: readonly ('dev' | 'prod')[];
  /** Only present when the image has this capability (e.g. ClickHouse's /metrics). */
  readonly requires?: 'metrics';
}

export interface ImageSpec {
  /** Registry images: path under the registry (mirror prefix is added), e.g. `library/nats:2.14.3-alpine`. */
  readonly reference: string;
  readonly pulled: boolean;
  readonly version: string;
  readonly capabilities: CapabilitiesModel;
}

export interface ServiceSpec {
  readonly name: ServiceName;
  /** The network a service lives on; whoever must reach it joins that network too. */
  readonly home: NetworkName;
  readonly images: Readonly<Record<ImageSet, ImageSpec | { readonly unavailable: string }>>;
  readonly uid: number;
  readonly gid: number;
  readonly ports: readonly PortSpec[];
  readonly metrics?: MetricsModel;
  readonly configMount?: string;
  readonly dataMount?: string;
  readonly logMount?: string;
  /** The engine's healthcheck, run inside the container. */
  readonly health: {
    readonly port: string;
    readonly path: string;
    readonly startPeriodMs: number;
    readonly probe: 'wget' | 'node';
    /** Basic auth of the healthcheck: the user, and the secret (mounted in the container) with its password. */
    readonly basicAuth?: { readonly user: string; readonly secret: string };
  };
  /** The readiness gate's probe, run from the host (see ReadinessModel). */
  readonly readiness: { readonly probe: ReadinessModel['probe']; readonly port: string; readonly path?: string; readonly needs?: ReadinessModel['needs'] };
  /** Services started before this one (compose `depends_on`, when they are in the image set). */
  readonly dependsOn: readonly ServiceName[];
  /** Replaces the image's CMD. */
  readonly command?: readonly string[];
  readonly environment?: Readonly<Record<string, string>>;
  /** Built from this repository rather than pulled or imported (the app). */
  readonly build?: { readonly context: string; readonly dockerfile: string };
  readonly readOnlyRootFs?: boolean;
  readonly tmpfs?: readonly string[];
  readonly resources: { readonly cpus: number; readonly memory: string; readonly pids: number };
  readonly nofile?: number;
  /**
   * How long the engine waits after SIGTERM before it kills the container (compose `stop_grace_period`, the pod's
   * `terminationGracePeriodSeconds`); unset, Docker and Podman wait 10 s, Kubernetes 30 s.
   */
  readonly stopGracePeriodMs?: number;
}

/**
 * How long the app's SIGTERM path may take to insert and ack the batch it holds (QRAFT_SHUTDOWN_TIMEOUT_MS, also its
 * own default): its stop grace period is longer, so the engine does not kill it first.
 */
export const APP_SHUTDOWN_TIMEOUT_MS = 20_000;

/** Where upstream images come from when no mirror is configured. */
export const DEFAULT_REGISTRY = 'docker.io';

const NO_CLICKHOUSE_FEATURES = { lowCardinality: false, dateTime64: false, ttl: false };

/**
 * What each service is, per image set. Upstream tags are the ones listed in shared/docs/image-tags.md;
 * offline images are built on this host from Debian packages with the same ports, paths and users.
 */
export const SERVICE_CATALOG: Readonly<Record<ServiceName, ServiceSpec>> = {
  nats: {
    name: 'nats',
    home: 'backend',
    images: {
      registry: { reference: 'library/nats:2.14.3-alpine', pulled: true, version: '2.14.3', capabilities: { metrics: false } },
      offline: { reference: 'qraft-offline/nats:2.10.27', pulled: false, version: '2.10.27', capabilities: { metrics: false } },
    },
    // The nats image runs as any uid; a fixed non-root one lets infra:up chown data/nats beforehand.
    uid: 10001,
    gid: 10001,
    ports: [
      { name: 'client', container: 4222, scheme: 'nats', publishedIn: ['dev'] },
      { name: 'monitoring', container: 8222, scheme: 'http', publishedIn: ['dev'] },
    ],
    configMount: '/etc/nats',
    dataMount: '/data',
    health: { port: 'monitoring', path: '/healthz', startPeriodMs: 10_000, probe: 'wget' },
    readiness: { probe: 'nats', port: 'client' },
    dependsOn: [],
    command: ['nats-server', '--config', '/etc/nats/nats-server.conf'],
    resources: { cpus: 0.5, memory: '256m', pids: 256 },
  },
  clickhouse: {
    name: 'clickhouse',
    home: 'backend',
    images: {
      registry: {
        reference: 'clickhouse/clickhouse-server:26.7-alpine',
        pulled: true,
        version: '26.7',
        capabilities: { metrics: true, clickhouse: { lowCardinality: true, dateTime64: true, ttl: true } },
      },
      // 18.16 (2018) predates the built-in /metrics endpoint, LowCardinality, DateTime64 and TTL.
      offline: {
        reference: 'qraft-offline/clickhouse:18.16.1',
        pulled: false,
        version: '18.16.1',
        capabilities: { metrics: false, clickhouse: NO_CLICKHOUSE_FEATURES },
      },
    },
    uid: 101,
    gid: 101,
    ports: [
      { name: 'http', container: 8123, scheme: 'http', publishedIn: ['dev'] },
      { name: 'native', container: 9000, scheme: 'tcp', publishedIn: ['dev'] },
      { name: 'metrics', container: 9363, scheme: 'http', publishedIn: [], requires: 'metrics' },
    ],
    metrics: { port: 'metrics', path: '/metrics' },
    configMount: '/etc/clickhouse-server/config.d',
    dataMount: '/var/lib/clickhouse',
    logMount: '/var/log/clickhouse-server',
    health: { port: 'http', path: '/ping', startPeriodMs: 30_000, probe: 'wget' },
    readiness: { probe: 'clickhouse', port: 'http', needs: 'clickhouse-app' },
    dependsOn: [],
    // The upstream entrypoint would otherwise write its own users.d/default-user.xml; ours comes from secrets/.
    environment: { CLICKHOUSE_SKIP_USER_SETUP: '1' },
    resources: { cpus: 1, memory: '2g', pids: 2048 },
    // ClickHouse asks for 262144; the VMs lack CAP_SYS_RESOURCE and refuse anything above 20000.
    nofile: 20_000,
  },
  prometheus: {
    name: 'prometheus',
    home: 'backend',
    images: {
      registry: { reference: 'prom/prometheus:v3.4.2', pulled: true, version: '3.4.2', capabilities: { metrics: true } },
      offline: { reference: 'qraft-offline/prometheus:2.53.3', pulled: false, version: '2.53.3', capabilities: { metrics: true } },
    },
    uid: 65534,
    gid: 65534,
    ports: [{ name: 'http', container: 9090, scheme: 'http', publishedIn: ['dev'] }],
    metrics: { port: 'http', path: '/metrics' },
    configMount: '/etc/prometheus',
    dataMount: '/prometheus',
    // Basic auth covers /-/ready too (Prometheus cannot exempt a path): the healthcheck logs in as the stack's user.
    health: { port: 'http', path: '/-/ready', startPeriodMs: 15_000, probe: 'wget', basicAuth: { user: PROMETHEUS_USERS.stack, secret: 'prometheus_password' } },
    // Targets come up one scrape after their services: being ready is enough to gate on.
    readiness: { probe: 'http', port: 'http', path: '/-/ready', needs: 'prometheus' },
    dependsOn: [],
    // The image's ENTRYPOINT is /bin/prometheus; these flags replace its default CMD. No --web.enable-admin-api
    // (and no --web.enable-lifecycle): nothing that reaches the port may delete series or stop the server.
    command: [
      '--config.file=/etc/prometheus/prometheus.yml',
      '--storage.tsdb.path=/prometheus',
      '--storage.tsdb.retention.time=15d',
      `--web.config.file=${SECRET_TARGETS.prometheus_web_config!}`,
    ],
    resources: { cpus: 0.5, memory: '512m', pids: 256 },
  },
  grafana: {
    name: 'grafana',
    home: 'frontend',
    images: {
      registry: { reference: 'grafana/grafana:12.0.2', pulled: true, version: '12.0.2', capabilities: { metrics: true } },
      offline: {
        unavailable:
          'grafana is left out of the offline image set: Debian ships no Grafana package and no npm package ships the server — use the registry image set for dashboards, or query Prometheus on its own port',
      },
    },
    // The grafana image's user is 472 in group 0 (root group, not root user).
    uid: 472,
    gid: 0,
    ports: [{ name: 'http', container: 3000, scheme: 'http', publishedIn: ['dev', 'prod'] }],
    metrics: { port: 'http', path: '/metrics' },
    configMount: '/etc/grafana/provisioning',
    dataMount: '/var/lib/grafana',
    logMount: '/var/log/grafana',
    health: { port: 'http', path: '/api/health', startPeriodMs: 30_000, probe: 'wget' },
    readiness: { probe: 'http', port: 'http', path: '/api/health' },
    dependsOn: ['prometheus', 'clickhouse'],
    environment: {
      GF_SECURITY_ADMIN_USER: GRAFANA_ADMIN_USER,
      GF_SECURITY_ADMIN_PASSWORD__FILE: SECRET_TARGETS.grafana_admin_password!,
      GF_USERS_ALLOW_SIGN_UP: 'false',
      // Grafana's default is off already; said here so the stack does not depend on an upstream default.
      GF_AUTH_ANONYMOUS_ENABLED: 'false',
      GF_ANALYTICS_REPORTING_ENABLED: 'false',
      GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
      GF_PATHS_PROVISIONING: '/etc/grafana/provisioning',
      GF_PATHS_LOGS: '/var/log/grafana',
      GF_LOG_MODE: 'console file',
      // Downloaded from grafana.com at first start; without internet the ClickHouse datasource stays unusable.
      GF_INSTALL_PLUGINS: 'grafana-clickhouse-datasource',
    },
    resources: { cpus: 0.5, memory: '512m', pids: 256 },
  },
  'nats-exporter': {
    name: 'nats-exporter',
    home: 'backend',
    images: {
      registry: {
        reference: 'natsio/prometheus-nats-exporter:0.17.3',
        pulled: true,
        version: '0.17.3',
        capabilities: { metrics: true },
      },
      offline: {
        unavailable:
          'nats-exporter is left out of the offline image set: Debian has no NATS Prometheus exporter — the offline set\'s exporter (packages/exporter) serves the same metric names',
      },
    },
    uid: 65534,
    gid: 65534,
    ports: [{ name: 'metrics', container: 7777, scheme: 'http', publishedIn: ['dev'] }],
    metrics: { port: 'metrics', path: '/metrics' },
    health: { port: 'metrics', path: '/metrics', startPeriodMs: 10_000, probe: 'wget' },
    readiness: { probe: 'http', port: 'metrics', path: '/metrics' },
    dependsOn: ['nats'],
    command: ['-p', '7777', '-varz', '-connz', '-jsz=all', '-healthz', 'http://nats:8222'],
    resources: { cpus: 0.25, memory: '64m', pids: 64 },
  },
  // The offline set's stand-in for nats-exporter and ClickHouse's own /metrics (packages/exporter): same metric
  // names, scraped as jobs `nats` and `clickhouse`. It reads ClickHouse's system tables as its own read-only user.
  exporter: {
    name: 'exporter',
    home: 'backend',
    images: {
      registry: {
        unavailable:
          'exporter is left out of the registry image set: there nats-exporter and ClickHouse\'s built-in /metrics serve the same metric names',
      },
      offline: { reference: 'qraft-offline/exporter:0.1.0', pulled: false, version: '0.1.0', capabilities: { metrics: true } },
    },
    uid: 1000,
    gid: 1000,
    ports: [{ name: 'metrics', container: 9188, scheme: 'http', publishedIn: [] }],
    metrics: {
      port: 'metrics',
      path: '/metrics/nats',
      jobs: [
        { job: 'nats', path: '/metrics/nats' },
        { job: 'clickhouse', path: '/metrics/clickhouse' },
      ],
    },
    health: { port: 'metrics', path: '/healthz', startPeriodMs: 10_000, probe: 'wget' },
    readiness: { probe: 'http', port: 'metrics', path: '/healthz' },
    dependsOn: ['nats', 'clickhouse'],
    environment: {
      QRAFT_HTTP_PORT: '9188',
      QRAFT_NATS_MONITOR_URL: 'http://nats:8222',
      QRAFT_CLICKHOUSE_URL: 'http://clickhouse:8123',
      QRAFT_CLICKHOUSE_USER: CLICKHOUSE_USERS.exporter,
      QRAFT_CLICKHOUSE_PASSWORD_FILE: SECRET_TARGETS.clickhouse_exporter_password!,
    },
    readOnlyRootFs: true,
    resources: { cpus: 0.25, memory: '128m', pids: 64 },
  },
  app: {
    name: 'app',
    home: 'frontend',
    images: {
      registry: { reference: 'qraft/app:dev', pulled: false, version: 'dev', capabilities: { metrics: true } },
      offline: { reference: 'qraft/app:dev', pulled: false, version: 'dev', capabilities: { metrics: true } },
    },
    uid: 1000,
    gid: 1000,
    ports: [{ name: 'http', container: 8080, scheme: 'http', publishedIn: ['dev', 'prod'] }],
    metrics: { port: 'http', path: '/metrics' },
    logMount: '/var/log/qraft',
    health: { port: 'http', path: '/readyz', startPeriodMs: 20_000, probe: 'node' },
    readiness: { probe: 'app', port: 'http' },
    dependsOn: ['nats', 'clickhouse'],
    environment: {
      QRAFT_HTTP_HOST: '0.0.0.0',
      QRAFT_HTTP_PORT: '8080',
      QRAFT_NATS_URL: 'nats://nats:4222',
      QRAFT_NATS_USER: NATS_ACCOUNTS.app.user,
      QRAFT_NATS_PASSWORD_FILE: SECRET_TARGETS.nats_app_password!,
      QRAFT_NATS_INBOX_PREFIX: NATS_ACCOUNTS.app.inboxPrefix,
      // The app's NATS permissions name these (NATS_TOPOLOGY): said here so they cannot drift apart.
      QRAFT_STREAM_NAME: NATS_TOPOLOGY.stream,
      QRAFT_CONSUMER_NAME: NATS_TOPOLOGY.consumers[0],
      QRAFT_CLICKHOUSE_URL: 'http://clickhouse:8123',
      QRAFT_CLICKHOUSE_USER: CLICKHOUSE_USERS.app,
      QRAFT_CLICKHOUSE_PASSWORD_FILE: SECRET_TARGETS.clickhouse_app_password!,
      QRAFT_CLICKHOUSE_DATABASE: CLICKHOUSE_USERS.database,
      QRAFT_LOG_DIR: '/var/log/qraft',
      QRAFT_SHUTDOWN_TIMEOUT_MS: String(APP_SHUTDOWN_TIMEOUT_MS),
    },
    stopGracePeriodMs: APP_SHUTDOWN_TIMEOUT_MS + 5_000,
    build: { context: '.', dockerfile: 'packages/app/Dockerfile' },
    readOnlyRootFs: true,
    tmpfs: ['/tmp'],
    resources: { cpus: 1, memory: '512m', pids: 256 },
  },
};

/** Base image of the app per image set (build arg NODE_IMAGE of packages/app/Dockerfile). */
export const APP_NODE_IMAGE: Readonly<Record<ImageSet, { reference: string; pulled: boolean }>> = {
  registry: { reference: 'library/node:20-bookworm-slim', pulled: true },
  offline: { reference: 'qraft-offline/node:20', pulled: false },
};

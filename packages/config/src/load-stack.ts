import { ConfigError } from './config-error';
import { ENV, envStem, memoryEnvName, portEnvName } from './env-names';
import { isMemory, parseMemory } from './memory';
import { networksFor, reachabilityFor } from './reachability';
import { APP_NODE_IMAGE, DEFAULT_REGISTRY, SERVICE_CATALOG, type ImageSpec, type ServiceSpec } from './service-catalog';
import { SECRET_TARGETS, secretsFor } from './stack-secrets';
import {
  IMAGE_SETS,
  SERVICE_NAMES,
  VARIANTS,
  type ImageSet,
  type PortModel,
  type ServiceModel,
  type ServiceName,
  type StackModel,
  type Variant,
} from './stack-model';

/** Per-service overrides given in code (the CLI and infra pass environment variables instead). */
export interface ServiceOverride {
  readonly memory?: string;
  readonly cpus?: number;
  /** Host ports by port name, e.g. `{ http: 18123 }`. */
  readonly hostPorts?: Readonly<Record<string, number>>;
}

export interface StackInput {
  readonly variant?: Variant | string;
  readonly imageSet?: ImageSet | string;
  /** Environment to read QRAFT_* overrides from. process.env is read only by the CLI, which passes it here. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Registry host and optional path that replaces docker.io for every pulled image. */
  readonly registryMirror?: string;
  readonly services?: Readonly<Record<string, ServiceOverride>>;
}

export const CLICKHOUSE_USERS = { app: 'qraft_app', grafana: 'qraft_grafana', database: 'qraft' } as const;

const MIRROR_RE = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?(\/[a-z0-9._-]+)*$/;

/** Normalises the input once into a fully defaulted, validated model of the stack. Throws ConfigError. */
export function loadStack(input: StackInput = {}): StackModel {
  const env = input.env ?? {};
  const variant = pick(input.variant, 'variant', env, ENV.variant, VARIANTS, 'dev');
  // offline by default, as infra:up: it builds here with no registry; the root docker-compose.yml stays the registry one.
  const imageSet = pick(input.imageSet, 'imageSet', env, ENV.imageSet, IMAGE_SETS, 'offline');
  const registryMirror = readMirror(input, env);
  const overrides = readOverrides(input, env);

  const present = new Set<ServiceName>(SERVICE_NAMES.filter((n) => !('unavailable' in SERVICE_CATALOG[n].images[imageSet])));
  const hasMetrics = (n: ServiceName) => {
    const image = SERVICE_CATALOG[n].images[imageSet];
    return !('unavailable' in image) && image.capabilities.metrics;
  };
  const reachability = reachabilityFor(present, hasMetrics);
  const secrets = secretsFor(present);

  const services = Object.fromEntries(
    SERVICE_NAMES.map((name) => {
      const spec = SERVICE_CATALOG[name];
      const image = spec.images[imageSet];
      const o = overrides.get(name) ?? { hostPorts: new Map(), memory: undefined, cpus: undefined };
      const base = { spec, variant, imageSet, registryMirror, override: o };
      const model =
        'unavailable' in image
          ? unavailableService(base, image.unavailable)
          : availableService(base, image, present, reachability, secrets.filter((s) => isSecretOf(s.name, name)).map((s) => s.name));
      return [name, model];
    }),
  ) as Record<ServiceName, ServiceModel>;

  checkPortClashes(services, overrides);

  return {
    project: 'qraft',
    variant,
    imageSet,
    registryMirror,
    services,
    networks: { frontend: { internal: false }, backend: { internal: variant === 'prod' } },
    reachability,
    secrets,
    clickhouseUsers: CLICKHOUSE_USERS,
  };
}

function isSecretOf(secret: string, service: ServiceName): boolean {
  const users: Record<string, ServiceName[]> = {
    clickhouse_app_password: ['app', 'exporter'],
    clickhouse_grafana_password: ['grafana'],
    grafana_admin_password: ['grafana'],
    clickhouse_users: ['clickhouse'],
  };
  return users[secret]?.includes(service) ?? false;
}

function pick<T extends string>(
  explicit: string | undefined,
  field: string,
  env: Readonly<Record<string, string | undefined>>,
  envName: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const [value, from] = explicit !== undefined ? [explicit, field] : nonEmpty(env[envName]) ? [env[envName]!, envName] : [fallback, field];
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(from, `"${value}" is not a known ${field === 'imageSet' ? 'image set' : field}`, `use one of ${allowed.join(', ')}`);
  }
  return value as T;
}

function nonEmpty(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

function readMirror(input: StackInput, env: Readonly<Record<string, string | undefined>>): string {
  const [value, field] =
    input.registryMirror !== undefined
      ? [input.registryMirror, 'registryMirror']
      : [env[ENV.registryMirror] ?? '', ENV.registryMirror];
  const mirror = value.trim();
  if (mirror !== '' && !MIRROR_RE.test(mirror)) {
    throw new ConfigError(
      field,
      `"${value}" is not a registry mirror`,
      'write a registry host with an optional port and path, no scheme and no trailing slash, e.g. "registry.example.com:5000/dockerhub"',
    );
  }
  return mirror;
}

interface NormalOverride {
  readonly hostPorts: Map<string, { port: number; field: string }>;
  memory: { value: string; field: string } | undefined;
  cpus: { value: number; field: string } | undefined;
}

const SERVICES_BY_STEM = [...SERVICE_NAMES].sort((a, b) => b.length - a.length);

function readOverrides(input: StackInput, env: Readonly<Record<string, string | undefined>>): Map<ServiceName, NormalOverride> {
  const result = new Map<ServiceName, NormalOverride>();
  const slot = (name: ServiceName) => {
    let o = result.get(name);
    if (!o) result.set(name, (o = { hostPorts: new Map(), memory: undefined, cpus: undefined }));
    return o;
  };

  for (const [key, raw] of Object.entries(env).sort(([a], [b]) => a.localeCompare(b))) {
    const match = /^QRAFT_([A-Z0-9_]+)_(PORT|MEMORY|CPUS)$/.exec(key);
    if (!match || !nonEmpty(raw)) continue;
    const [, stem, kind] = match as unknown as [string, string, 'PORT' | 'MEMORY' | 'CPUS'];
    const service = SERVICES_BY_STEM.find((s) => stem === envStem(s) || stem.startsWith(`${envStem(s)}_`));
    // QRAFT_HTTP_PORT and the like configure a process, not the stack: a host port needs <SERVICE>_<PORT>.
    if (!service && kind === 'PORT' && !stem.includes('_')) continue;
    if (!service) {
      throw new ConfigError(
        key,
        `no service matches "${stem.toLowerCase()}"`,
        `the services are ${SERVICE_NAMES.join(', ')}; unset the variable or use e.g. ${portEnvName('clickhouse', 'http')}`,
      );
    }
    const rest = stem.slice(envStem(service).length + 1).toLowerCase();
    if (kind === 'PORT') {
      const port = SERVICE_CATALOG[service].ports.find((p) => p.name === rest);
      if (!port) {
        const known = SERVICE_CATALOG[service].ports.map((p) => portEnvName(service, p.name)).join(', ');
        throw new ConfigError(key, `${service} has no port "${rest}"`, `use one of ${known}`);
      }
      slot(service).hostPorts.set(port.name, { port: parsePort(key, raw), field: key });
    } else if (rest !== '') {
      throw new ConfigError(key, `unknown setting for ${service}`, `use ${kind === 'MEMORY' ? memoryEnvName(service) : `QRAFT_${envStem(service)}_CPUS`}`);
    } else if (kind === 'MEMORY') {
      slot(service).memory = { value: raw.trim(), field: key };
    } else {
      slot(service).cpus = { value: parseCpus(key, raw), field: key };
    }
  }

  for (const [name, override] of Object.entries(input.services ?? {})) {
    if (!(SERVICE_NAMES as readonly string[]).includes(name)) {
      throw new ConfigError(`services.${name}`, `"${name}" is not a service of the stack`, `use one of ${SERVICE_NAMES.join(', ')}`);
    }
    const service = name as ServiceName;
    const o = slot(service);
    for (const [portName, port] of Object.entries(override.hostPorts ?? {})) {
      const field = `services.${service}.hostPorts.${portName}`;
      if (!SERVICE_CATALOG[service].ports.some((p) => p.name === portName)) {
        throw new ConfigError(field, `${service} has no port "${portName}"`, `use one of ${SERVICE_CATALOG[service].ports.map((p) => p.name).join(', ')}`);
      }
      o.hostPorts.set(portName, { port: parsePort(field, String(port)), field });
    }
    if (override.memory !== undefined) o.memory = { value: override.memory, field: `services.${service}.memory` };
    if (override.cpus !== undefined) o.cpus = { value: parseCpus(`services.${service}.cpus`, String(override.cpus)), field: `services.${service}.cpus` };
  }

  for (const o of result.values()) {
    if (o.memory && !isMemory(o.memory.value)) {
      throw new ConfigError(o.memory.field, `memory "${o.memory.value}" is not a size`, 'write a number with a unit, e.g. "512m" or "2g"');
    }
  }
  return result;
}

function parsePort(field: string, raw: string): number {
  const port = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || port < 1 || port > 65_535) {
    throw new ConfigError(field, `"${raw}" is not a port`, 'write a whole number from 1 to 65535');
  }
  return port;
}

function parseCpus(field: string, raw: string): number {
  const cpus = Number(raw.trim());
  if (!/^\d+(\.\d+)?$/.test(raw.trim()) || cpus <= 0) {
    throw new ConfigError(field, `"${raw}" is not a CPU count`, 'write a positive number, e.g. "0.5" or "2"');
  }
  return cpus;
}

interface ServiceBase {
  readonly spec: ServiceSpec;
  readonly variant: Variant;
  readonly imageSet: ImageSet;
  readonly registryMirror: string;
  readonly override: NormalOverride;
}

function imageReference(reference: string, pulled: boolean, mirror: string): string {
  return pulled ? `${mirror || DEFAULT_REGISTRY}/${reference}` : reference;
}

function portsOf(base: ServiceBase, image: ImageSpec | undefined): PortModel[] {
  const { spec, variant, override } = base;
  return spec.ports
    .filter((p) => p.requires !== 'metrics' || (image?.capabilities.metrics ?? false))
    .map((p) => ({
      name: p.name,
      id: `${spec.name}.${p.name}`,
      container: p.container,
      scheme: p.scheme,
      host: p.publishedIn.includes(variant) ? (override.hostPorts.get(p.name)?.port ?? p.container) : undefined,
      hostIp: '127.0.0.1' as const,
      env: portEnvName(spec.name, p.name),
    }));
}

function resourcesOf(base: ServiceBase) {
  const memory = base.override.memory?.value ?? base.spec.resources.memory;
  return {
    cpus: base.override.cpus?.value ?? base.spec.resources.cpus,
    memory,
    memoryBytes: parseMemory(memory),
    pids: base.spec.resources.pids,
    memoryEnv: memoryEnvName(base.spec.name),
  };
}

function unavailableService(base: ServiceBase, note: string): ServiceModel {
  const { spec } = base;
  return {
    name: spec.name,
    containerName: `qraft-${spec.name}`,
    available: false,
    note,
    image: { reference: '', pulled: false, version: '' },
    build: undefined,
    command: undefined,
    user: { uid: spec.uid, gid: spec.gid },
    ports: portsOf(base, undefined).map((p) => ({ ...p, host: undefined })),
    metrics: undefined,
    capabilities: { metrics: false },
    config: undefined,
    data: undefined,
    logs: undefined,
    networks: [],
    dependsOn: [],
    healthcheck: healthcheckOf(spec),
    resources: resourcesOf(base),
    environment: {},
    secrets: [],
    readOnlyRootFs: false,
    tmpfs: [],
    capAdd: [],
    nofile: undefined,
  };
}

const DEPENDS_ON: Readonly<Record<ServiceName, readonly ServiceName[]>> = {
  nats: [],
  clickhouse: [],
  prometheus: [],
  grafana: ['prometheus', 'clickhouse'],
  'nats-exporter': ['nats'],
  exporter: ['nats', 'clickhouse'],
  app: ['nats', 'clickhouse'],
};

function availableService(
  base: ServiceBase,
  image: ImageSpec,
  present: ReadonlySet<ServiceName>,
  reachability: ReturnType<typeof reachabilityFor>,
  secretNames: readonly string[],
): ServiceModel {
  const { spec, imageSet, registryMirror } = base;
  const ports = portsOf(base, image);
  const mount = (container: string | undefined, root: string, sub?: string) =>
    container ? { host: sub ? `${root}/${spec.name}/${sub}` : `${root}/${spec.name}`, container } : undefined;
  return {
    name: spec.name,
    containerName: `qraft-${spec.name}`,
    available: true,
    note: undefined,
    image: { reference: imageReference(image.reference, image.pulled, registryMirror), pulled: image.pulled, version: image.version },
    build:
      spec.name === 'app'
        ? {
            context: '.',
            dockerfile: 'packages/app/Dockerfile',
            baseImage: {
              reference: imageReference(APP_NODE_IMAGE[imageSet].reference, APP_NODE_IMAGE[imageSet].pulled, registryMirror),
              pulled: APP_NODE_IMAGE[imageSet].pulled,
              version: '20',
            },
          }
        : undefined,
    command: commandOf(spec.name),
    user: { uid: spec.uid, gid: spec.gid },
    ports,
    metrics: image.capabilities.metrics ? spec.metrics : undefined,
    capabilities: image.capabilities,
    config: mount(spec.configMount, 'configs', imageSet),
    data: mount(spec.dataMount, 'data'),
    logs: mount(spec.logMount, 'logs'),
    networks: networksFor(spec.name, reachability),
    dependsOn: DEPENDS_ON[spec.name].filter((d) => present.has(d)),
    healthcheck: healthcheckOf(spec),
    resources: resourcesOf(base),
    environment: environmentOf(spec.name),
    secrets: secretNames.map((name) => ({ name, target: SECRET_TARGETS[name]! })),
    readOnlyRootFs: spec.name === 'app' || spec.name === 'exporter',
    tmpfs: spec.name === 'app' ? ['/tmp'] : [],
    capAdd: [],
    nofile: spec.nofile,
  };
}

function commandOf(name: ServiceName): readonly string[] | undefined {
  switch (name) {
    case 'nats':
      return ['nats-server', '--config', '/etc/nats/nats-server.conf'];
    case 'prometheus':
      // The image's ENTRYPOINT is /bin/prometheus; these flags replace its default CMD.
      return [
        '--config.file=/etc/prometheus/prometheus.yml',
        '--storage.tsdb.path=/prometheus',
        '--storage.tsdb.retention.time=15d',
      ];
    case 'nats-exporter':
      return ['-p', '7777', '-varz', '-connz', '-jsz=all', '-healthz', 'http://nats:8222'];
    default:
      return undefined;
  }
}

function healthcheckOf(spec: ServiceSpec) {
  const port = spec.ports.find((p) => p.name === spec.health.port)!.container;
  const url = `http://127.0.0.1:${port}${spec.health.path}`;
  const command =
    spec.health.probe === 'wget'
      ? `wget -q -O /dev/null ${url}`
      : `node -e "fetch('${url}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"`;
  return {
    command,
    needs: spec.health.probe === 'wget' ? ['/bin/sh', 'wget'] : ['/bin/sh', 'node'],
    // Docker runs the first check one interval after start, and `docker compose up` holds dependants until
    // it passes: at 10 s, `up` took 12 s for services ready in under 1 s (docs/benchmarks.md). A wget every
    // 2 s costs nothing; 15 failures in a row (30 s) mark a service unhealthy.
    intervalMs: 2_000,
    timeoutMs: 5_000,
    retries: 15,
    startPeriodMs: spec.health.startPeriodMs,
  };
}

function environmentOf(name: ServiceName): Record<string, string> {
  switch (name) {
    case 'clickhouse':
      // The upstream entrypoint would otherwise write its own users.d/default-user.xml; ours comes from secrets/.
      return { CLICKHOUSE_SKIP_USER_SETUP: '1' };
    case 'grafana':
      return {
        GF_SECURITY_ADMIN_USER: 'admin',
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
      };
    case 'app':
      return {
        QRAFT_HTTP_HOST: '0.0.0.0',
        QRAFT_HTTP_PORT: '8080',
        QRAFT_NATS_URL: 'nats://nats:4222',
        QRAFT_CLICKHOUSE_URL: 'http://clickhouse:8123',
        QRAFT_CLICKHOUSE_USER: CLICKHOUSE_USERS.app,
        QRAFT_CLICKHOUSE_PASSWORD_FILE: SECRET_TARGETS.clickhouse_app_password!,
        QRAFT_CLICKHOUSE_DATABASE: CLICKHOUSE_USERS.database,
        QRAFT_LOG_DIR: '/var/log/qraft',
      };
    case 'exporter':
      return {
        QRAFT_HTTP_PORT: '9188',
        QRAFT_NATS_MONITOR_URL: 'http://nats:8222',
        QRAFT_CLICKHOUSE_URL: 'http://clickhouse:8123',
        QRAFT_CLICKHOUSE_USER: CLICKHOUSE_USERS.app,
        QRAFT_CLICKHOUSE_PASSWORD_FILE: SECRET_TARGETS.clickhouse_app_password!,
      };
    default:
      return {};
  }
}

function checkPortClashes(services: Record<ServiceName, ServiceModel>, overrides: Map<ServiceName, NormalOverride>): void {
  const taken = new Map<number, string>();
  // Overridden ports are checked last so the message names the variable the user set.
  const all = Object.values(services)
    .filter((s) => s.available)
    .flatMap((s) => s.ports.filter((p) => p.host !== undefined).map((p) => ({ p, field: overrides.get(s.name)?.hostPorts.get(p.name)?.field })))
    .sort((a, b) => Number(a.field !== undefined) - Number(b.field !== undefined));
  for (const { p, field } of all) {
    const other = taken.get(p.host!);
    if (other) {
      throw new ConfigError(field ?? p.env, `port ${p.host} is already used by ${other}`, 'choose another port');
    }
    taken.set(p.host!, p.id);
  }
}

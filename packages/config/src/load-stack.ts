import { CLICKHOUSE_USERS, GRAFANA_ADMIN_USER, PROMETHEUS_USERS } from './accounts';
import { ConfigError } from './config-error';
import { ENV } from './env-names';
import { nonEmpty, readOverrides, type NormalOverride } from './read-overrides';
import { reachabilityFor } from './reachability';
import { SERVICE_CATALOG } from './service-catalog';
import { availableService, unavailableService } from './service-model';
import { secretsFor } from './stack-secrets';
import { IMAGE_SETS, SERVICE_NAMES, VARIANTS, type ImageSet, type ServiceModel, type ServiceName, type StackModel, type Variant } from './stack-model';

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
          : availableService(base, image, present, reachability, secrets.filter((s) => !s.hostOnly && (s.reader === name || s.sharedWith.includes(name))).map((s) => s.name));
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
    grafanaAdmin: { user: GRAFANA_ADMIN_USER },
    prometheusUsers: PROMETHEUS_USERS,
  };
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

import { memoryEnvName, portEnvName } from './env-names';
import { parseMemory } from './memory';
import type { NormalOverride } from './read-overrides';
import { networksFor, type reachabilityFor } from './reachability';
import { APP_NODE_IMAGE, DEFAULT_REGISTRY, type ImageSpec, type ServiceSpec } from './service-catalog';
import { SECRET_TARGETS } from './secret-targets';
import type { ImageSet, PortModel, ReadinessModel, ServiceModel, ServiceName, Variant } from './stack-model';

/**
 * One service of the model from its catalog record, the variant, the image set and the user's overrides. The
 * facts of each service (ports, command, environment, readiness, dependencies) live in its catalog record.
 */
export interface ServiceBase {
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

export function unavailableService(base: ServiceBase, note: string): ServiceModel {
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
    readiness: readinessOf(spec),
    resources: resourcesOf(base),
    environment: {},
    secrets: [],
    readOnlyRootFs: false,
    tmpfs: [],
    capAdd: [],
    nofile: undefined,
    stopGracePeriodMs: undefined,
  };
}

export function availableService(
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
    build: spec.build
      ? {
          ...spec.build,
          baseImage: {
            reference: imageReference(APP_NODE_IMAGE[imageSet].reference, APP_NODE_IMAGE[imageSet].pulled, registryMirror),
            pulled: APP_NODE_IMAGE[imageSet].pulled,
            version: '20',
          },
        }
      : undefined,
    command: spec.command,
    user: { uid: spec.uid, gid: spec.gid },
    ports,
    metrics: image.capabilities.metrics ? spec.metrics : undefined,
    capabilities: image.capabilities,
    config: mount(spec.configMount, 'configs', imageSet),
    data: mount(spec.dataMount, 'data'),
    logs: mount(spec.logMount, 'logs'),
    networks: networksFor(spec.name, reachability),
    dependsOn: spec.dependsOn.filter((d) => present.has(d)),
    healthcheck: healthcheckOf(spec),
    readiness: readinessOf(spec),
    resources: resourcesOf(base),
    environment: spec.environment ?? {},
    secrets: secretNames.map((name) => ({ name, target: SECRET_TARGETS[name]! })),
    readOnlyRootFs: spec.readOnlyRootFs ?? false,
    tmpfs: spec.tmpfs ?? [],
    capAdd: [],
    nofile: spec.nofile,
    stopGracePeriodMs: spec.stopGracePeriodMs,
  };
}

function healthcheckOf(spec: ServiceSpec) {
  const port = spec.ports.find((p) => p.name === spec.health.port)!.container;
  const auth = spec.health.basicAuth;
  // The password is read from the mounted secret when the check runs (backquotes: compose would take `$` for
  // its own interpolation); busybox and GNU wget both take user:password in the URL.
  const url = auth
    ? `"http://${auth.user}:\`cat ${SECRET_TARGETS[auth.secret]!}\`@127.0.0.1:${port}${spec.health.path}"`
    : `http://127.0.0.1:${port}${spec.health.path}`;
  const command =
    spec.health.probe === 'wget'
      ? `wget -q -O /dev/null ${url}`
      : `node -e "fetch('${url}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"`;
  return {
    command,
    needs: [...(spec.health.probe === 'wget' ? ['/bin/sh', 'wget'] : ['/bin/sh', 'node']), ...(auth ? ['cat'] : [])],
    // Docker runs the first check one interval after start, and `docker compose up` holds dependants until
    // it passes: at 10 s, `up` took 12 s for services ready in under 1 s (docs/benchmarks.md). A wget every
    // 2 s costs nothing; 15 failures in a row (30 s) mark a service unhealthy.
    intervalMs: 2_000,
    timeoutMs: 5_000,
    retries: 15,
    startPeriodMs: spec.health.startPeriodMs,
  };
}


function readinessOf(spec: ServiceSpec): ReadinessModel {
  return { probe: spec.readiness.probe, port: spec.readiness.port, path: spec.readiness.path, needs: spec.readiness.needs };
}

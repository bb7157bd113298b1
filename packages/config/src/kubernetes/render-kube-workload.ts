import { posix } from 'node:path';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import type { IVolumeMount } from 'kubernetes-models/v1/VolumeMount';
import type { ServiceName } from '../stack-model';
import { podLabels, selectorLabels } from './kube-labels';
import { cpuQuantity, memoryQuantity } from './kube-quantities';
import type { KubeServiceFacts } from './kube-service-facts';
import { configFilesOf, configKey, configMapName, type ConfigFile } from './render-kube-config-map';

/**
 * Services whose identity is their data (JetStream, ClickHouse tables, the TSDB) run as StatefulSets with a
 * volume claim each; the app keeps no data and Grafana's is a cache of its provisioning: Deployments.
 */
export const STATEFUL_SERVICES: ReadonlySet<ServiceName> = new Set(['nats', 'clickhouse', 'prometheus']);

/** Size of each data volume claim. Compose has no such number (a bind mount grows with the disk). */
export const DATA_VOLUME_SIZE: Readonly<Partial<Record<ServiceName, string>>> = {
  nats: '2Gi',
  clickhouse: '10Gi',
  prometheus: '5Gi',
  grafana: '1Gi',
};

export const secretName = (service: string) => `${service}-secrets`;
/**
 * A Secret's key is the file name the service reads (`qraft-users.xml`, not the compose secret's name): the
 * mount is then right even where `items` is ignored (podman kube play 4.3 names the files by key).
 */
export const secretKey = (secret: { readonly target: string }) => posix.basename(secret.target);
export const dataClaimName = (service: string) => `${service}-data`;

/** Requests are a quarter of the CPU limit (the stack fits a small node) and all of the memory limit (no overcommit). */
const CPU_REQUEST_SHARE = 0.25;

const seconds = (ms: number) => Math.max(1, Math.round(ms / 1000));

function container(f: KubeServiceFacts, configFiles: readonly ConfigFile[]): { container: IContainer; volumes: IVolume[] } {
  const volumes: IVolume[] = [];
  const mounts: IVolumeMount[] = [];
  if (f.config) {
    volumes.push({
      name: 'config',
      configMap: {
        name: configMapName(f.name),
        items: configFilesOf(f, configFiles).map((c) => ({ key: configKey(c.path), path: c.path })),
      },
    });
    mounts.push({ name: 'config', mountPath: f.config.mountPath, readOnly: true });
  }
  if (f.dataPath) {
    if (!STATEFUL_SERVICES.has(f.name)) volumes.push({ name: 'data', persistentVolumeClaim: { claimName: dataClaimName(f.name) } });
    mounts.push({ name: 'data', mountPath: f.dataPath });
  }
  if (f.logPath) {
    // Kubernetes collects stdout; the services' own log files stay in the pod.
    volumes.push({ name: 'logs', emptyDir: {} });
    mounts.push({ name: 'logs', mountPath: f.logPath });
  }
  f.tmpfs.forEach((path, i) => {
    volumes.push({ name: `tmpfs-${i}`, emptyDir: { medium: 'Memory' } });
    mounts.push({ name: `tmpfs-${i}`, mountPath: path });
  });
  // One secret volume per target directory, each file placed by `items`: no subPath, so a changed Secret
  // reaches the running pod (and podman kube play, which ignores subPath, mounts the same files).
  const secretDirs = [...new Set(f.secrets.map((s) => posix.dirname(s.target)))];
  secretDirs.forEach((dir, i) => {
    const name = secretDirs.length === 1 ? 'secrets' : `secrets-${i}`;
    const here = f.secrets.filter((s) => posix.dirname(s.target) === dir);
    // Group-readable by the pod's fsGroup (the service's gid), like the 0600 files compose mounts.
    volumes.push({ name, secret: { secretName: secretName(f.name), defaultMode: 0o440, items: here.map((s) => ({ key: secretKey(s), path: posix.basename(s.target) })) } });
    mounts.push({ name, mountPath: dir, readOnly: true });
  });

  const healthPort = f.ports.find((p) => p.name === f.readiness.port)!.container;
  const r = f.readiness;
  const c: IContainer = {
    name: f.name,
    image: f.image,
    imagePullPolicy: 'IfNotPresent',
    ...(f.args ? { args: [...f.args] } : {}),
    ...(Object.keys(f.environment).length > 0 ? { env: Object.entries(f.environment).map(([name, value]) => ({ name, value })) } : {}),
    ports: f.ports.map((p) => ({ name: p.name, containerPort: p.container, protocol: 'TCP' })),
    // Readiness is the compose healthcheck's probe: traffic only once the service says it is ready.
    // Prometheus answers 401 to a probe without basic auth: it runs the healthcheck line, which reads the secret.
    readinessProbe: {
      ...(r.command ? { exec: { command: ['/bin/sh', '-c', r.command] } } : { httpGet: { port: healthPort, path: r.path } }),
      periodSeconds: seconds(r.intervalMs),
      timeoutSeconds: seconds(r.timeoutMs),
      failureThreshold: 3,
    },
    // Liveness only asks that the process still accepts connections: a readiness that waits for another
    // service (the app's /readyz waits for NATS and ClickHouse) must not restart this one. Compose's
    // "unhealthy after start period + retries × interval" is the restart budget.
    livenessProbe: {
      tcpSocket: { port: healthPort },
      initialDelaySeconds: seconds(r.startPeriodMs),
      periodSeconds: seconds(r.intervalMs),
      timeoutSeconds: seconds(r.timeoutMs),
      failureThreshold: r.retries,
    },
    resources: {
      requests: { cpu: cpuQuantity(f.cpus * CPU_REQUEST_SHARE), memory: memoryQuantity(f.memoryBytes) },
      limits: { cpu: cpuQuantity(f.cpus), memory: memoryQuantity(f.memoryBytes) },
    },
    securityContext: {
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: f.readOnlyRootFs,
      capabilities: { drop: ['ALL'] },
    },
    ...(mounts.length > 0 ? { volumeMounts: mounts } : {}),
  };
  return { container: c, volumes };
}

function podTemplate(f: KubeServiceFacts, configFiles: readonly ConfigFile[]): IPodTemplateSpec {
  const { container: c, volumes } = container(f, configFiles);
  return {
    metadata: { labels: podLabels(f.name, f.networks) },
    spec: {
      // Kubernetes would inject NATS_PORT, CLICKHOUSE_PORT … into every container; the services read their own.
      enableServiceLinks: false,
      automountServiceAccountToken: false,
      ...(f.stopGracePeriodMs !== undefined ? { terminationGracePeriodSeconds: Math.ceil(f.stopGracePeriodMs / 1000) } : {}),
      securityContext: {
        runAsNonRoot: true,
        runAsUser: f.uid,
        runAsGroup: f.gid,
        fsGroup: f.gid,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      containers: [c],
      ...(volumes.length > 0 ? { volumes } : {}),
    },
  };
}

/** The workload of one service: a StatefulSet with its volume claim, or a Deployment (plus a claim when it keeps data). */
export function renderKubeWorkload(
  f: KubeServiceFacts,
  configFiles: readonly ConfigFile[],
): Array<IStatefulSet | IDeployment | IPersistentVolumeClaim> {
  const metadata = { name: f.name, labels: selectorLabels(f.name) };
  const template = podTemplate(f, configFiles);
  const claimSpec = (size: string): NonNullable<IPersistentVolumeClaim['spec']> => ({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } } });
  if (STATEFUL_SERVICES.has(f.name)) {
    return [
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata,
        spec: {
          serviceName: f.name,
          replicas: 1,
          selector: { matchLabels: selectorLabels(f.name) },
          template,
          ...(f.dataPath ? { volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: claimSpec(DATA_VOLUME_SIZE[f.name] ?? '1Gi') }] } : {}),
        },
      },
    ];
  }
  const claim: IPersistentVolumeClaim[] = f.dataPath
    ? [{ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: dataClaimName(f.name), labels: selectorLabels(f.name) }, spec: claimSpec(DATA_VOLUME_SIZE[f.name] ?? '1Gi') }]
    : [];
  return [
    ...claim,
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata,
      spec: {
        replicas: 1,
        selector: { matchLabels: selectorLabels(f.name) },
        // A ReadWriteOnce claim cannot be mounted by the old and the new pod at once.
        strategy: { type: f.dataPath ? 'Recreate' : 'RollingUpdate' },
        template,
      },
    },
  ];
}

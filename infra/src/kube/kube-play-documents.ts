/** A Kubernetes object as `kubectl kustomize` prints it (loosely typed: only what the adapter reads). */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface KubePlayPlan {
  /** What `podman kube play` gets: Pods, and the ConfigMaps, Secrets and claims they use. */
  readonly documents: KubeObject[];
  /** Pod names (the services' DNS names). */
  readonly pods: string[];
  /** Named volumes podman creates for the claims. */
  readonly volumes: string[];
  /** Secrets podman stores for the pods. */
  readonly secrets: string[];
}

const NAME_LABEL = 'app.kubernetes.io/name';

interface PodSpecLike {
  volumes?: Array<{ name: string; emptyDir?: object; configMap?: { name?: string }; secret?: { secretName?: string; optional?: boolean }; persistentVolumeClaim?: { claimName?: string } }>;
  [key: string]: unknown;
}

/**
 * Adapts built manifests to what `podman kube play` runs — the only adaptations, each for a documented
 * limit of kube play (docs/kubernetes.md):
 * - it has no StatefulSet, and a Deployment's pod is named `<name>-pod`: every workload becomes one Pod named
 *   after its service (`nats`, `clickhouse` …), because pods reach each other by pod name, not by Service;
 * - a StatefulSet's volume claim templates become claims named `<workload>-<template>` (podman named volumes);
 * - Services, NetworkPolicies and the Namespace are left out (kube play ignores them: no isolation here);
 * - ConfigMaps, Secrets and claims no pod mounts are left out (the podman overlay removes their pods);
 * - secret volumes say `optional: false` (Podman 4.3 crashes on the unset default, podman#16636);
 * - emptyDir volumes get the workload's name in front (podman names the volume after it, shared by every pod);
 * - container ports are left out (podman 4.3 binds each on the host: the test must publish nothing);
 * - on Podman 4, Secrets become ConfigMaps of the decoded values (it mounts `data` undecoded, ignores `stringData`).
 */
export interface KubePlayOptions {
  /** The engine writes Secret data to files undecoded (Podman 4.x). */
  readonly undecodedSecrets?: boolean;
}

export function kubePlayDocuments(built: readonly KubeObject[], options: KubePlayOptions = {}): KubePlayPlan {
  const pods: KubeObject[] = [];
  const claims: KubeObject[] = [];
  for (const doc of built) {
    if (doc.kind !== 'StatefulSet' && doc.kind !== 'Deployment') continue;
    const template = (doc.spec?.['template'] ?? {}) as { metadata?: { labels?: Record<string, string> }; spec?: PodSpecLike };
    const labels = template.metadata?.labels ?? {};
    const service = labels[NAME_LABEL];
    if (!service) throw new Error(`${doc.kind}/${doc.metadata?.name}: its pod template has no ${NAME_LABEL} label — render it with @qraft/config`);
    // `optional: false` is Kubernetes' default, said out loud: Podman 4.3 dereferences the unset field and
    // crashes (podman#16636), and `true` makes it skip the secret.
    const volumes = (template.spec?.volumes ?? []).map((v) =>
      !v.secret ? v : options.undecodedSecrets ? { name: v.name, configMap: { name: v.secret.secretName } } : { ...v, secret: { ...v.secret, optional: false } },
    );
    // Podman makes an emptyDir a volume named like the pod's volume: the app's and ClickHouse's `logs` would be
    // one volume, owned by whichever pod came first. Each gets a name of its own.
    const renamed = new Map(volumes.filter((v) => 'emptyDir' in v).map((v) => [v.name, `${doc.metadata?.name}-${v.name}`]));
    // Podman 4.3 publishes a containerPort without hostPort on the same host port: ports are left out (pods
    // reach each other on the pod network whatever is declared), so nothing is bound on the host.
    const containers = ((template.spec?.['containers'] ?? []) as Array<{ ports?: unknown; volumeMounts?: Array<{ name: string }> }>).map(({ ports: _published, ...c }) => ({
      ...c,
      ...(c.volumeMounts ? { volumeMounts: c.volumeMounts.map((m) => ({ ...m, name: renamed.get(m.name) ?? m.name })) } : {}),
    }));
    const spec: PodSpecLike = { ...(template.spec ?? {}), containers, volumes: volumes.map((v) => ({ ...v, name: renamed.get(v.name) ?? v.name })) };
    const templates = (doc.spec?.['volumeClaimTemplates'] ?? []) as KubeObject[];
    for (const t of templates) {
      const claimName = `${doc.metadata?.name}-${t.metadata?.name}`;
      claims.push({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: claimName, labels: { [NAME_LABEL]: service } }, spec: t.spec ?? {} });
      spec.volumes!.push({ name: t.metadata!.name!, persistentVolumeClaim: { claimName } });
    }
    pods.push({ apiVersion: 'v1', kind: 'Pod', metadata: { name: service, labels }, spec: { ...spec, restartPolicy: 'Always' } });
  }
  const used = (kind: 'configMap' | 'secret' | 'persistentVolumeClaim') =>
    new Set(
      pods.flatMap((p) =>
        ((p.spec as PodSpecLike).volumes ?? []).map((v) => (kind === 'configMap' ? v.configMap?.name : kind === 'secret' ? v.secret?.secretName : v.persistentVolumeClaim?.claimName)),
      ),
    );
  const configMaps = used('configMap');
  const secrets = used('secret');
  const claimNames = used('persistentVolumeClaim');
  const strip = (d: KubeObject): KubeObject => ({ ...d, metadata: Object.fromEntries(Object.entries(d.metadata ?? {}).filter(([k]) => k !== 'namespace')) });
  // Podman 4 writes a Secret's `data` into the mounted files still base64-encoded and ignores `stringData`;
  // for it each Secret becomes a ConfigMap with the decoded values (the files are the same; podman keeps
  // both as plain files in a volume anyway). Podman 5 mounts Secrets as Kubernetes does.
  const plainSecret = (d: KubeObject): KubeObject => {
    if (d.kind !== 'Secret' || !options.undecodedSecrets) return d;
    const data = (d['data'] ?? {}) as Record<string, string>;
    return {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: d.metadata ?? {},
      data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v.replace(/\s+/g, ''), 'base64').toString('utf8')])),
    };
  };


  const kept = built
    .filter(
      (d) =>
        (d.kind === 'ConfigMap' && configMaps.has(d.metadata?.name)) ||
        (d.kind === 'Secret' && (secrets.has(d.metadata?.name) || configMaps.has(d.metadata?.name))) ||
        (d.kind === 'PersistentVolumeClaim' && claimNames.has(d.metadata?.name)),
    )
    .map((d) => plainSecret(strip(d)));
  const allClaims = [...kept.filter((d) => d.kind === 'PersistentVolumeClaim'), ...claims];
  return {
    documents: [...kept.filter((d) => d.kind !== 'PersistentVolumeClaim'), ...allClaims, ...pods],
    pods: pods.map((p) => p.metadata!.name!),
    volumes: allClaims.map((c) => c.metadata!.name!),
    secrets: kept.filter((d) => d.kind === 'Secret').map((d) => d.metadata!.name!),
  };
}

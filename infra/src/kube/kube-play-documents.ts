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
  volumes?: Array<{ name: string; configMap?: { name?: string }; secret?: { secretName?: string }; persistentVolumeClaim?: { claimName?: string } }>;
  [key: string]: unknown;
}

/**
 * Adapts built manifests to what `podman kube play` runs — the only adaptations, each for a documented
 * limit of kube play (docs/kubernetes.md):
 * - it has no StatefulSet, and a Deployment's pod is named `<name>-pod`: every workload becomes one Pod named
 *   after its service (`nats`, `clickhouse` …), because pods reach each other by pod name, not by Service;
 * - a StatefulSet's volume claim templates become claims named `<workload>-<template>` (podman named volumes);
 * - Services, NetworkPolicies and the Namespace are left out (kube play ignores them: no isolation here);
 * - ConfigMaps, Secrets and claims no pod mounts are left out (the podman overlay removes their pods).
 */
export function kubePlayDocuments(built: readonly KubeObject[]): KubePlayPlan {
  const pods: KubeObject[] = [];
  const claims: KubeObject[] = [];
  for (const doc of built) {
    if (doc.kind !== 'StatefulSet' && doc.kind !== 'Deployment') continue;
    const template = (doc.spec?.['template'] ?? {}) as { metadata?: { labels?: Record<string, string> }; spec?: PodSpecLike };
    const labels = template.metadata?.labels ?? {};
    const service = labels[NAME_LABEL];
    if (!service) throw new Error(`${doc.kind}/${doc.metadata?.name}: its pod template has no ${NAME_LABEL} label — render it with @qraft/config`);
    const spec: PodSpecLike = { ...(template.spec ?? {}), volumes: [...(template.spec?.volumes ?? [])] };
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
  const kept = built
    .filter(
      (d) =>
        (d.kind === 'ConfigMap' && configMaps.has(d.metadata?.name)) ||
        (d.kind === 'Secret' && secrets.has(d.metadata?.name)) ||
        (d.kind === 'PersistentVolumeClaim' && claimNames.has(d.metadata?.name)),
    )
    .map(strip);
  const allClaims = [...kept.filter((d) => d.kind === 'PersistentVolumeClaim'), ...claims];
  return {
    documents: [...kept.filter((d) => d.kind !== 'PersistentVolumeClaim'), ...allClaims, ...pods],
    pods: pods.map((p) => p.metadata!.name!),
    volumes: allClaims.map((c) => c.metadata!.name!),
    secrets: kept.filter((d) => d.kind === 'Secret').map((d) => d.metadata!.name!),
  };
}

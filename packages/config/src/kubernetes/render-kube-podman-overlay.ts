import { stringify } from 'yaml';
import { hashComment, headerLines } from '../generated-header';
import type { StackModel } from '../stack-model';
import { kubeServiceFacts } from './kube-service-facts';
import { configFilesOf, configKey, configMapName, renderKubeConfigMap, type ConfigFile } from './render-kube-config-map';
import { dataClaimName, STATEFUL_SERVICES } from './render-kube-workload';

/** Everything the podman overlay creates is named with this prefix, so it cannot meet the compose stack's names. */
export const PODMAN_NAME_PREFIX = 'qraft-kube-';

const imageName = (reference: string) => reference.replace(/:[^/:]+$/, '');
const imageTag = (reference: string) => /:([^/:]+)$/.exec(reference)?.[1] ?? 'latest';

/**
 * The dev overlay for `podman kube play` on a host without a registry: the offline image set's images, its
 * configuration files where they differ (ClickHouse 18.16 has no /metrics endpoint, Prometheus scrapes
 * less), and no resources for the services the offline set has no image for. Renders only differences
 * between the two models, never a second copy of the manifests.
 */
export function renderPodmanOverlay(registry: StackModel, offline: StackModel, offlineConfigs: readonly ConfigFile[]): string {
  const registryFacts = kubeServiceFacts(registry);
  // Only what the base (the registry set) has can be patched: the offline set's own exporter has no manifests
  // (docs/kubernetes.md), so on podman kube play NATS and ClickHouse go unscraped.
  const offlineFacts = kubeServiceFacts(offline).filter((o) => registryFacts.some((r) => r.name === o.name));
  const images = offlineFacts
    .map((o) => ({ o, r: registryFacts.find((f) => f.name === o.name)! }))
    .filter(({ o, r }) => o.image !== r.image)
    .map(({ o, r }) => ({ name: imageName(r.image), newName: imageName(o.image), newTag: imageTag(o.image) }));
  const omitted = registryFacts.filter((r) => !offlineFacts.some((o) => o.name === r.name));
  const del = (apiVersion: string, kind: string, name: string) => ({ patch: `$patch: delete\napiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: ${name}\n` });
  const patches = [
    ...omitted.flatMap((f) => [
      del('apps/v1', STATEFUL_SERVICES.has(f.name) ? 'StatefulSet' : 'Deployment', f.name),
      del('v1', 'Service', f.name),
      ...(f.config ? [del('v1', 'ConfigMap', configMapName(f.name))] : []),
      ...(f.dataPath && !STATEFUL_SERVICES.has(f.name) ? [del('v1', 'PersistentVolumeClaim', dataClaimName(f.name))] : []),
    ]),
    ...offlineFacts.flatMap((f) => {
      const map = renderKubeConfigMap(f, offlineConfigs);
      if (!map) return [];
      // Same keys as the registry set's ConfigMap (the pods mount them by key); only the text differs.
      const data = Object.fromEntries(configFilesOf(f, offlineConfigs).map((c) => [configKey(c.path), c.content]));
      return [{ patch: stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: map.metadata!.name }, data }, { lineWidth: 0 }) }];
    }),
  ];
  const lines = headerLines(
    offline,
    'Kustomize overlay for `podman kube play` (infra:kube-test): the dev overlay on the offline image set. Podman ignores Services, NetworkPolicies and StatefulSets; infra/src/kube/kube-play-documents.ts turns the built workloads into Pods for it (see docs/kubernetes.md).',
  );
  return (
    hashComment(lines) +
    stringify(
      {
        apiVersion: 'kustomize.config.k8s.io/v1beta1',
        kind: 'Kustomization',
        namePrefix: PODMAN_NAME_PREFIX,
        resources: ['../dev'],
        images,
        patches,
      },
      { lineWidth: 0 },
    )
  );
}

import type { GeneratedFile } from '../generated-files';
import { loadStack } from '../load-stack';
import { VARIANTS } from '../stack-model';
import { kubeServiceFacts } from './kube-service-facts';
import { renderKubeYaml } from './kube-yaml';
import { KUBE_BASE_DIR, KUBE_NAMESPACES, KUBE_PODMAN_OVERLAY_DIR, kubeOverlayDir } from './kubernetes-layout';
import { renderKubeConfigMap } from './render-kube-config-map';
import { renderKubeNamespace } from './render-kube-namespace';
import { renderPodmanOverlay } from './render-kube-podman-overlay';
import { renderBaseNetworkPolicies, renderVariantNetworkPolicies } from './render-kube-network-policies';
import { renderKubeService } from './render-kube-service';
import { renderKubeWorkload } from './render-kube-workload';
import { renderBaseKustomization, renderOverlayKustomization } from './render-kustomization';

/**
 * configs/kubernetes/: a kustomize base with one file per service (workload, Service, ConfigMap) rendered
 * from the registry image set, and an overlay per variant. `configFiles` are the already rendered service
 * configuration files; the ConfigMaps hold the registry set's ones unchanged.
 */
export function kubernetesFiles(configFiles: readonly GeneratedFile[]): GeneratedFile[] {
  const model = loadStack({ variant: 'dev', imageSet: 'registry' });
  const facts = kubeServiceFacts(model);
  const registryConfigs = configFiles.filter((f) => f.model?.imageSet === 'registry' && f.kind !== 'compose');
  const files: GeneratedFile[] = [];
  const add = (path: string, content: string, m = model) => files.push({ path, content, kind: 'kubernetes', model: m });

  const resources: string[] = [];
  for (const f of facts) {
    const configMap = renderKubeConfigMap(f, registryConfigs);
    const docs = [...renderKubeWorkload(f, registryConfigs), renderKubeService(f), ...(configMap ? [configMap] : [])];
    add(`${KUBE_BASE_DIR}/${f.name}.yaml`, renderKubeYaml(model, `Kubernetes resources of ${f.name}.`, docs));
    resources.push(`${f.name}.yaml`);
  }
  add(`${KUBE_BASE_DIR}/network-policies.yaml`, renderKubeYaml(model, 'NetworkPolicies: the compose networks.', renderBaseNetworkPolicies()));
  resources.push('network-policies.yaml');
  add(`${KUBE_BASE_DIR}/kustomization.yaml`, renderBaseKustomization(model, facts, resources));

  for (const variant of VARIANTS) {
    const stack = loadStack({ variant, imageSet: 'registry' });
    const dir = kubeOverlayDir(variant);
    const namespace = KUBE_NAMESPACES[variant];
    add(`${dir}/namespace.yaml`, renderKubeYaml(stack, `Namespace of the ${variant} overlay.`, [renderKubeNamespace(namespace)]), stack);
    add(
      `${dir}/network-policies.yaml`,
      renderKubeYaml(stack, `NetworkPolicies of the ${variant} variant: published ports, internal networks.`, renderVariantNetworkPolicies(stack, kubeServiceFacts(stack))),
      stack,
    );
    add(`${dir}/kustomization.yaml`, renderOverlayKustomization(stack, namespace, ['namespace.yaml', '../../base', 'network-policies.yaml']), stack);
  }
  const offline = loadStack({ variant: 'dev', imageSet: 'offline' });
  const offlineConfigs = configFiles.filter((f) => f.model?.imageSet === 'offline' && f.kind !== 'compose');
  if (offlineConfigs.length > 0) {
    add(`${KUBE_PODMAN_OVERLAY_DIR}/kustomization.yaml`, renderPodmanOverlay(model, offline, offlineConfigs), offline);
  }
  return files;
}

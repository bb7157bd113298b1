import { stringify } from 'yaml';
import { hashComment, headerLines } from '../generated-header';
import type { StackModel } from '../stack-model';
import type { KubeServiceFacts } from './kube-service-facts';
import { secretKey, secretName } from './render-kube-workload';

export interface Kustomization {
  apiVersion: 'kustomize.config.k8s.io/v1beta1';
  kind: 'Kustomization';
  namespace?: string;
  resources: string[];
  secretGenerator?: Array<{ name: string; files: string[] }>;
}

const render = (model: StackModel, what: string, k: Kustomization) => hashComment(headerLines(model, what)) + stringify(k, { lineWidth: 0 });

/**
 * The base: every service's resources, and one Secret per reading service generated from the files under
 * secrets/ (no secret value is ever in a rendered file; kustomize adds a content hash to the name, so a
 * changed password rolls the pods that read it).
 */
export function renderBaseKustomization(model: StackModel, facts: readonly KubeServiceFacts[], resources: readonly string[]): string {
  return render(model, 'Kustomize base of the Qraft stack: `kubectl apply -k configs/kubernetes/overlays/<dev|prod>`.', {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [...resources],
    secretGenerator: facts
      .filter((f) => f.secrets.length > 0)
      .map((f) => ({ name: secretName(f.name), files: f.secrets.map((s) => `${secretKey(s)}=${s.file}`) })),
  });
}

export function renderOverlayKustomization(model: StackModel, namespace: string, resources: readonly string[]): string {
  return render(model, `Kustomize overlay: the ${model.variant} variant in namespace ${namespace}.`, {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    namespace,
    resources: [...resources],
  });
}

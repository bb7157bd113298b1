import type { INamespace } from 'kubernetes-models/v1/Namespace';
import { PART_OF_LABEL } from './kube-labels';

/**
 * The overlay's namespace, with the Pod Security "restricted" level enforced: a cluster refuses any pod of
 * the stack that runs as root, keeps capabilities or may escalate privileges, whatever the manifests say.
 */
export function renderKubeNamespace(name: string): INamespace {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: {
        [PART_OF_LABEL]: 'qraft',
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'v1.32',
      },
    },
  };
}

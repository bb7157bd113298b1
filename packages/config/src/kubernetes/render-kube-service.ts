import type { IService } from 'kubernetes-models/v1/Service';
import { selectorLabels } from './kube-labels';
import type { KubeServiceFacts } from './kube-service-facts';

/** A ClusterIP Service named like the compose service, so the DNS names in every config file resolve as they do in compose. */
export function renderKubeService(f: KubeServiceFacts): IService {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: f.name, labels: selectorLabels(f.name) },
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(f.name),
      ports: f.ports.map((p) => ({ name: p.name, port: p.container, targetPort: p.container, protocol: 'TCP' })),
    },
  };
}

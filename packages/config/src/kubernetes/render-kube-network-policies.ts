import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { NETWORK_NAMES, type StackModel } from '../stack-model';
import { PART_OF_LABEL, networkLabel, selectorLabels } from './kube-labels';
import type { KubeServiceFacts } from './kube-service-facts';

const policy = (name: string, spec: INetworkPolicy['spec']): INetworkPolicy => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, labels: { [PART_OF_LABEL]: 'qraft' } },
  spec,
});

/**
 * The compose networks as NetworkPolicies: nothing may connect to a pod of the stack unless a policy allows it,
 * and each network lets its members connect to each other. A pod on two networks accepts members of both —
 * exactly who shares a compose network with it.
 */
export function renderBaseNetworkPolicies(): INetworkPolicy[] {
  return [
    policy('default-deny-ingress', { podSelector: { matchLabels: { [PART_OF_LABEL]: 'qraft' } }, policyTypes: ['Ingress'] }),
    ...NETWORK_NAMES.map((network) =>
      policy(`network-${network}`, {
        podSelector: { matchLabels: { [networkLabel(network)]: 'true' } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: { matchLabels: { [networkLabel(network)]: 'true' } } }] }],
      }),
    ),
  ];
}

/**
 * What differs per variant. Ports the compose variant publishes on the host are open to clients outside
 * the stack (an ingress controller, port-forward, other namespaces); on an internal network (prod's
 * backend) pods that are on no other network may connect only to its members and to cluster DNS.
 */
export function renderVariantNetworkPolicies(model: StackModel, facts: readonly KubeServiceFacts[]): INetworkPolicy[] {
  const published = facts
    .filter((f) => f.publishedPorts.length > 0)
    .map((f) =>
      policy(`${f.name}-published`, {
        podSelector: { matchLabels: selectorLabels(f.name) },
        policyTypes: ['Ingress'],
        ingress: [
          {
            ports: f.publishedPorts.map((name) => ({ protocol: 'TCP', port: f.ports.find((p) => p.name === name)!.container })),
          },
        ],
      }),
    );
  const internal = NETWORK_NAMES.filter((n) => model.networks[n].internal).map((network) =>
    policy(`network-${network}-internal`, {
      podSelector: {
        matchLabels: { [networkLabel(network)]: 'true' },
        matchExpressions: NETWORK_NAMES.filter((n) => n !== network).map((n) => ({ key: networkLabel(n), operator: 'DoesNotExist' })),
      },
      policyTypes: ['Egress'],
      egress: [
        { to: [{ podSelector: { matchLabels: { [networkLabel(network)]: 'true' } } }] },
        {
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
      ],
    }),
  );
  return [...published, ...internal];
}

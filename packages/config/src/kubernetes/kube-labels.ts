import type { NetworkName, ServiceName } from '../stack-model';

export const NAME_LABEL = 'app.kubernetes.io/name';
export const PART_OF_LABEL = 'app.kubernetes.io/part-of';

/** Pod label that stands for membership of a compose network; NetworkPolicies select on it. */
export function networkLabel(network: NetworkName): string {
  return `qraft.io/network-${network}`;
}

/** The labels a workload selects its pods by (never changed after the first apply). */
export function selectorLabels(service: ServiceName): Record<string, string> {
  return { [NAME_LABEL]: service, [PART_OF_LABEL]: 'qraft' };
}

export function podLabels(service: ServiceName, networks: readonly NetworkName[]): Record<string, string> {
  return { ...selectorLabels(service), ...Object.fromEntries(networks.map((n) => [networkLabel(n), 'true'])) };
}

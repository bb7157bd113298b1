import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { ValidationProblem } from '../validation-problem';
import { NAME_LABEL } from './kube-labels';
import type { KubeServiceFacts } from './kube-service-facts';

/** A parsed document and the generated file it came from. */
export interface KubeDocument {
  readonly file: string;
  readonly doc: { apiVersion?: string; kind?: string; metadata?: { name?: string }; spec?: unknown; [key: string]: unknown };
}

export interface KubeRule {
  readonly id: string;
  /** What it protects, and what compose does for the same thing. */
  readonly why: string;
  check(docs: readonly KubeDocument[], facts: readonly KubeServiceFacts[]): ValidationProblem[];
}

interface Pod {
  readonly file: string;
  /** `Kind/name` of the workload, for messages. */
  readonly owner: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly spec: IPodSpec;
}

/** The pods the documents would run: workload templates and bare Pods. */
export function podsOf(docs: readonly KubeDocument[]): Pod[] {
  return docs.flatMap(({ file, doc }) => {
    const owner = `${doc.kind}/${doc.metadata?.name ?? '?'}`;
    if (doc.kind === 'Pod') {
      const meta = doc.metadata as { labels?: Record<string, string> } | undefined;
      return [{ file, owner, labels: meta?.labels ?? {}, spec: (doc.spec ?? {}) as IPodSpec }];
    }
    if (doc.kind === 'StatefulSet' || doc.kind === 'Deployment') {
      const template = (doc.spec as { template?: { metadata?: { labels?: Record<string, string> }; spec?: IPodSpec } } | undefined)?.template;
      return [{ file, owner, labels: template?.metadata?.labels ?? {}, spec: template?.spec ?? { containers: [] } }];
    }
    return [];
  });
}

const containersOf = (pod: Pod): IContainer[] => [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])];
const problem = (rule: string, file: string, message: string): ValidationProblem => ({ rule, file, message });

interface Selector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/** Kubernetes label-selector semantics (an empty selector selects everything). */
export function selects(selector: Selector | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (!selector) return false;
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpression = (selector.matchExpressions ?? []).every((e) => {
    const has = Object.hasOwn(labels, e.key);
    switch (e.operator) {
      case 'In':
        return has && (e.values ?? []).includes(labels[e.key]!);
      case 'NotIn':
        return !has || !(e.values ?? []).includes(labels[e.key]!);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      default:
        return false;
    }
  });
  return byLabel && byExpression;
}

interface IngressRule {
  from?: Array<{ podSelector?: Selector; namespaceSelector?: Selector; ipBlock?: unknown }>;
  ports?: Array<{ port?: number | string }>;
}
interface Policy {
  readonly file: string;
  readonly name: string;
  readonly podSelector: Selector;
  readonly ingress: readonly IngressRule[] | undefined;
  readonly types: readonly string[];
}

function policiesOf(docs: readonly KubeDocument[]): Policy[] {
  return docs
    .filter(({ doc }) => doc.kind === 'NetworkPolicy')
    .map(({ file, doc }) => {
      const spec = (doc.spec ?? {}) as { podSelector?: Selector; ingress?: IngressRule[]; policyTypes?: string[] };
      return {
        file,
        name: doc.metadata?.name ?? '?',
        podSelector: spec.podSelector ?? {},
        ingress: spec.ingress,
        types: spec.policyTypes ?? (spec.ingress ? ['Ingress'] : []),
      };
    });
}

const securityRule = (id: string, why: string, broken: (c: IContainer, pod: Pod, facts: KubeServiceFacts | undefined) => string | undefined): KubeRule => ({
  id,
  why,
  check(docs, facts) {
    return podsOf(docs).flatMap((pod) =>
      containersOf(pod).flatMap((c) => {
        const message = broken(c, pod, facts.find((f) => f.name === pod.labels[NAME_LABEL]));
        return message ? [problem(id, pod.file, `${pod.owner} container ${c.name}: ${message}`)] : [];
      }),
    );
  },
});

/**
 * The compose hardening and network isolation, checked on the manifests (each rule has a breaking case
 * in kube-rules.test.ts). They run on every generated document before anything is written.
 */
export const KUBE_RULES: readonly KubeRule[] = [
  {
    id: 'kube/non-root',
    why: 'compose runs every service as its own non-root uid:gid; a pod without runAsNonRoot may run as root',
    check(docs) {
      return podsOf(docs).flatMap((pod) => {
        const podCtx = pod.spec.securityContext ?? {};
        return containersOf(pod).flatMap((c) => {
          const nonRoot = c.securityContext?.runAsNonRoot ?? podCtx.runAsNonRoot;
          const uid = c.securityContext?.runAsUser ?? podCtx.runAsUser;
          return nonRoot === true && uid !== undefined && uid !== 0
            ? []
            : [problem(this.id, pod.file, `${pod.owner} container ${c.name} may run as root (runAsNonRoot ${String(nonRoot)}, runAsUser ${String(uid)}) — set runAsNonRoot: true and the service's uid`)];
        });
      });
    },
  },
  securityRule('kube/read-only-root', 'compose mounts the root filesystem read-only where the model says so (read_only: true)', (c, _pod, facts) =>
    facts?.readOnlyRootFs && c.securityContext?.readOnlyRootFilesystem !== true
      ? 'compose runs it with read_only: true — set securityContext.readOnlyRootFilesystem: true'
      : undefined,
  ),
  securityRule('kube/drop-all-capabilities', 'compose drops every capability (cap_drop: ALL) and adds none', (c) => {
    const caps = c.securityContext?.capabilities;
    if (!caps?.drop?.includes('ALL')) return 'keeps the default capabilities — set securityContext.capabilities.drop: [ALL]';
    if ((caps.add ?? []).length > 0) return `adds capabilities ${caps.add!.join(', ')} — compose adds none; remove them`;
    return undefined;
  }),
  securityRule('kube/no-privilege-escalation', 'compose sets no-new-privileges:true', (c) =>
    c.securityContext?.allowPrivilegeEscalation !== false || c.securityContext?.privileged === true
      ? 'may gain privileges — set securityContext.allowPrivilegeEscalation: false and privileged: false'
      : undefined,
  ),
  securityRule('kube/resources', 'compose limits CPU and memory of every service; a pod without requests and limits can starve the node', (c) => {
    const r = c.resources;
    const missing = ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory'].filter((p) => {
      const [kind, what] = p.split('.') as ['requests' | 'limits', string];
      return r?.[kind]?.[what] === undefined;
    });
    return missing.length > 0 ? `has no ${missing.join(', ')} — render them from the model's resources` : undefined;
  }),
  securityRule('kube/probes', 'compose gates every service on its healthcheck', (c) =>
    !c.readinessProbe || !c.livenessProbe ? 'lacks a readiness or liveness probe — render both from the model\'s healthcheck' : undefined,
  ),
  securityRule('kube/secret-in-env', 'secrets reach the services as files, never as environment values', (c) => {
    const bad = (c.env ?? []).filter((e) => /PASSWORD|SECRET|TOKEN/i.test(e.name) && !/_FILE$/.test(e.name) && e.value !== undefined);
    return bad.length > 0 ? `sets ${bad.map((e) => e.name).join(', ')} in its environment — mount the Secret and pass a *_FILE path` : undefined;
  }),
  {
    id: 'kube/network-isolation',
    why: 'compose lets two services connect only when they share a network (frontend/backend); the NetworkPolicies must allow exactly that',
    check(docs, facts) {
      const problems: ValidationProblem[] = [];
      const pods = podsOf(docs);
      const policies = policiesOf(docs).filter((p) => p.types.includes('Ingress'));
      const fileOf = (name: string) => pods.find((p) => p.labels[NAME_LABEL] === name)?.file ?? docs[0]?.file ?? '?';
      for (const pod of pods) {
        const guarding = policies.filter((p) => selects(p.podSelector, pod.labels));
        if (guarding.length === 0) {
          problems.push(problem(this.id, pod.file, `${pod.owner} is selected by no ingress NetworkPolicy, so anything may connect to it — keep default-deny-ingress`));
        }
        const service = facts.find((f) => f.name === pod.labels[NAME_LABEL]);
        for (const p of guarding) {
          for (const rule of p.ingress ?? []) {
            // A rule without sources, or with a namespace or IP block, admits clients outside the stack.
            const outside = !rule.from || rule.from.length === 0 || rule.from.some((peer) => peer.namespaceSelector || peer.ipBlock);
            if (!outside) continue;
            const ports = (rule.ports ?? []).map((x) => Number(x.port));
            const published = (service?.publishedPorts ?? []).map((n) => service!.ports.find((q) => q.name === n)!.container);
            const unpublished = ports.filter((x) => !published.includes(x));
            if (ports.length === 0 || unpublished.length > 0) {
              problems.push(
                problem(this.id, p.file, `NetworkPolicy ${p.name} opens ${pod.owner} ${ports.length === 0 ? 'on every port' : `port ${unpublished.join(', ')}`} to clients outside the stack, which the variant does not publish — open only published ports`),
              );
            }
          }
        }
      }
      for (const a of facts) {
        for (const b of facts) {
          if (a === b) continue;
          const podA = pods.find((p) => p.labels[NAME_LABEL] === a.name);
          const podB = pods.find((p) => p.labels[NAME_LABEL] === b.name);
          if (!podA || !podB) continue;
          const shared = a.networks.filter((n) => b.networks.includes(n));
          const allowed = policies.some(
            (p) =>
              selects(p.podSelector, podB.labels) &&
              (p.ingress ?? []).some((r) => (r.ports ?? []).length === 0 && (r.from ?? []).some((peer) => !peer.namespaceSelector && !peer.ipBlock && selects(peer.podSelector, podA.labels))),
          );
          if (shared.length > 0 && !allowed) {
            problems.push(problem(this.id, fileOf(b.name), `${a.name} cannot connect to ${b.name} although both are on the ${shared.join(' and ')} network — allow ingress from the network's members`));
          } else if (shared.length === 0 && allowed) {
            problems.push(problem(this.id, fileOf(b.name), `${a.name} can connect to ${b.name} but they share no compose network — NetworkPolicies must not open more than the networks do`));
          }
        }
      }
      return problems;
    },
  },
];

export function checkKubeRules(docs: readonly KubeDocument[], facts: readonly KubeServiceFacts[]): ValidationProblem[] {
  return KUBE_RULES.flatMap((rule) => rule.check(docs, facts));
}

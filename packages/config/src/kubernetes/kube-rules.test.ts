/* eslint-disable @typescript-eslint/no-explicit-any -- the tests reach into parsed YAML to break one field at a time */
import { parseAllDocuments } from 'yaml';
import { generatedFiles } from '../generated-files';
import { loadStack } from '../load-stack';
import { checkKubeRules, KUBE_RULES, type KubeDocument } from './kube-rules';
import { kubeSchemaProblems } from './kube-schema';
import { kubeServiceFacts } from './kube-service-facts';

const rendered = generatedFiles().filter((f) => f.kind === 'kubernetes' && !f.path.endsWith('kustomization.yaml'));
const facts = kubeServiceFacts(loadStack({ variant: 'prod', imageSet: 'registry' }));

/** The prod overlay's documents (base + overlay), freshly parsed so each test may break them. */
function prodDocs(): KubeDocument[] {
  return rendered
    .filter((f) => !f.path.includes('/overlays/dev/'))
    .flatMap((f) => parseAllDocuments(f.content).map((d) => ({ file: f.path, doc: d.toJS() as KubeDocument['doc'] })));
}
const workload = (docs: KubeDocument[], name: string) => docs.find((d) => (d.doc.kind === 'StatefulSet' || d.doc.kind === 'Deployment') && d.doc.metadata?.name === name)!.doc as any;
const container = (docs: KubeDocument[], name: string) => workload(docs, name).spec.template.spec.containers[0];
const rules = (docs: KubeDocument[]) => checkKubeRules(docs, facts).map((p) => p.rule);

describe('the hardening and isolation rules on the manifests', () => {
  it('pass on the rendered prod overlay', () => expect(checkKubeRules(prodDocs(), facts)).toEqual([]));

  it('every rule has a breaking case below', () => {
    expect(KUBE_RULES.map((r) => r.id).sort()).toEqual(
      ['kube/drop-all-capabilities', 'kube/network-isolation', 'kube/no-privilege-escalation', 'kube/non-root', 'kube/probes', 'kube/read-only-root', 'kube/resources', 'kube/secret-in-env'].sort(),
    );
  });

  it('rejects a pod that may run as root', () => {
    const docs = prodDocs();
    delete workload(docs, 'nats').spec.template.spec.securityContext.runAsNonRoot;
    expect(rules(docs)).toEqual(['kube/non-root']);
  });

  it('rejects the app without a read-only root filesystem (compose has read_only: true)', () => {
    const docs = prodDocs();
    container(docs, 'app').securityContext.readOnlyRootFilesystem = false;
    expect(rules(docs)).toEqual(['kube/read-only-root']);
  });

  it('rejects a container that keeps or adds capabilities', () => {
    const docs = prodDocs();
    container(docs, 'clickhouse').securityContext.capabilities = { drop: ['NET_RAW'] };
    container(docs, 'app').securityContext.capabilities.add = ['NET_ADMIN'];
    expect(rules(docs)).toEqual(['kube/drop-all-capabilities', 'kube/drop-all-capabilities']);
  });

  it('rejects privilege escalation', () => {
    const docs = prodDocs();
    container(docs, 'prometheus').securityContext.allowPrivilegeEscalation = true;
    expect(rules(docs)).toEqual(['kube/no-privilege-escalation']);
  });

  it('rejects a container without limits', () => {
    const docs = prodDocs();
    delete container(docs, 'grafana').resources.limits;
    expect(rules(docs)).toEqual(['kube/resources']);
  });

  it('rejects a container without a readiness probe', () => {
    const docs = prodDocs();
    delete container(docs, 'nats-exporter').readinessProbe;
    expect(rules(docs)).toEqual(['kube/probes']);
  });

  it('rejects a password in the environment', () => {
    const docs = prodDocs();
    container(docs, 'app').env.push({ name: 'QRAFT_CLICKHOUSE_PASSWORD', value: 'x' });
    expect(rules(docs)).toEqual(['kube/secret-in-env']);
  });

  it('rejects pods that cannot reach a service they share a network with, or can reach one they do not', () => {
    const docs = prodDocs();
    // grafana's pod leaves the backend network, which the model says it is on (it reads ClickHouse and Prometheus).
    delete workload(docs, 'grafana').spec.template.metadata.labels['qraft.io/network-backend'];
    expect(checkKubeRules(docs, facts).map((p) => p.message).join('\n')).toMatch(/grafana cannot connect to clickhouse although both are on the backend network/);
    // The manifests are unchanged but the model puts nats-exporter on no network with the app.
    const narrower = facts.map((f) => (f.name === 'nats-exporter' ? { ...f, networks: ['frontend' as const] } : f));
    expect(checkKubeRules(prodDocs(), narrower).map((p) => p.message).join('\n')).toMatch(/can connect to nats-exporter but they share no compose network|nats-exporter can connect to nats but they share no compose network/);
  });

  it('rejects a pod no ingress policy guards', () => {
    const docs = prodDocs().filter((d) => d.doc.metadata?.name !== 'default-deny-ingress' && d.doc.metadata?.name !== 'network-backend');
    expect(checkKubeRules(docs, facts).map((p) => p.message).join('\n')).toMatch(/StatefulSet\/nats is selected by no ingress NetworkPolicy/);
  });

  it('rejects opening a port the variant does not publish to clients outside the stack', () => {
    const docs = prodDocs();
    const published = docs.find((d) => d.doc.metadata?.name === 'app-published')!.doc as any;
    published.spec.podSelector.matchLabels['app.kubernetes.io/name'] = 'clickhouse';
    expect(checkKubeRules(docs, facts).map((p) => p.message).join('\n')).toMatch(/opens StatefulSet\/clickhouse port 8080 to clients outside the stack/);
    const other = prodDocs();
    const backend = other.find((d) => d.doc.metadata?.name === 'network-backend')!.doc as any;
    backend.spec.ingress[0].from.push({ namespaceSelector: {} });
    expect(rules(other)).toContain('kube/network-isolation');
  });

  it('rejects a document that breaks the pinned Kubernetes schema, and a kind it cannot check', () => {
    const docs = prodDocs();
    container(docs, 'app').ports[0].containerPort = 'http';
    expect(kubeSchemaProblems(workload(docs, 'app')).join('\n')).toMatch(/containerPort must be integer/);
    expect(kubeSchemaProblems({ apiVersion: 'v1', kind: 'Endpoints' }).join('\n')).toMatch(/has no schema here/);
  });
});

/* eslint-disable @typescript-eslint/no-explicit-any -- the tests reach into parsed YAML to break one field at a time */
import { parseAllDocuments } from 'yaml';
import { generatedFiles } from '../generated-files';
import { loadStack } from '../load-stack';
import { validateGeneratedFiles } from '../validate-generated-files';
import { kubeServiceFacts } from './kube-service-facts';
import { validateKubernetesFiles } from './validate-kubernetes-files';

const files = generatedFiles();
const kube = files.filter((f) => f.kind === 'kubernetes');
type Doc = { kind: string; metadata: { name: string }; spec?: any; data?: Record<string, string> };
const docsOf = (path: string): Doc[] => parseAllDocuments(kube.find((f) => f.path === path)!.content).map((d) => d.toJS() as Doc);
const base = (service: string) => docsOf(`configs/kubernetes/base/${service}.yaml`);
const podSpec = (service: string) => base(service).find((d) => d.kind === 'StatefulSet' || d.kind === 'Deployment')!.spec.template.spec;

describe('the Kubernetes rendering of the stack', () => {
  it('renders a kustomize base and a dev and a prod overlay', () => {
    expect(kube.map((f) => f.path)).toEqual(
      expect.arrayContaining([
        'configs/kubernetes/base/kustomization.yaml',
        'configs/kubernetes/base/network-policies.yaml',
        'configs/kubernetes/overlays/dev/kustomization.yaml',
        'configs/kubernetes/overlays/prod/kustomization.yaml',
        'configs/kubernetes/overlays/prod/network-policies.yaml',
      ]),
    );
  });

  it('runs NATS, ClickHouse and Prometheus as StatefulSets with a volume claim, the app and Grafana as Deployments', () => {
    for (const s of ['nats', 'clickhouse', 'prometheus']) {
      const set = base(s).find((d) => d.kind === 'StatefulSet')!;
      expect(set.spec.volumeClaimTemplates.map((v: Doc) => v.metadata.name)).toEqual(['data']);
    }
    for (const s of ['app', 'grafana', 'nats-exporter']) expect(base(s).map((d) => d.kind)).toContain('Deployment');
    expect(base('grafana').map((d) => d.kind)).toContain('PersistentVolumeClaim');
    for (const s of ['nats', 'clickhouse', 'prometheus', 'grafana', 'nats-exporter', 'app']) expect(base(s).map((d) => d.kind)).toContain('Service');
  });

  it('puts the very configuration files compose mounts into the ConfigMaps', () => {
    const grafana = base('grafana').find((d) => d.kind === 'ConfigMap')!;
    const dashboard = files.find((f) => f.path === 'configs/grafana/registry/dashboards/qraft/qraft-overview.json')!;
    expect(grafana.data!['dashboards__qraft__qraft-overview.json']).toBe(dashboard.content);
    const nats = base('nats').find((d) => d.kind === 'ConfigMap')!;
    expect(nats.data!['nats-server.conf']).toBe(files.find((f) => f.path === 'configs/nats/registry/nats-server.conf')!.content);
  });

  it('takes image, command, user, ports, environment and limits from the same model as compose', () => {
    const model = loadStack({ variant: 'dev', imageSet: 'registry' });
    for (const f of kubeServiceFacts(model)) {
      const s = model.services[f.name];
      const spec = podSpec(f.name);
      const c = spec.containers[0];
      expect(c.image).toBe(s.image.reference);
      expect(c.args).toEqual(s.command ? [...s.command] : undefined);
      expect(spec.securityContext.runAsUser).toBe(s.user.uid);
      expect(c.ports.map((p: { containerPort: number }) => p.containerPort)).toEqual(s.ports.map((p) => p.container));
      expect(Object.fromEntries((c.env ?? []).map((e: { name: string; value: string }) => [e.name, e.value]))).toEqual(s.environment);
      expect(c.resources.limits.memory).toBe(`${s.resources.memoryBytes / 1024 ** 2 >= 1024 ? `${s.resources.memoryBytes / 1024 ** 3}Gi` : `${s.resources.memoryBytes / 1024 ** 2}Mi`}`);
    }
  });

  it('carries the compose hardening: non-root, read-only root where compose has it, no capabilities, no escalation', () => {
    for (const s of ['nats', 'clickhouse', 'prometheus', 'grafana', 'nats-exporter', 'app']) {
      const spec = podSpec(s);
      expect(spec.securityContext.runAsNonRoot).toBe(true);
      const ctx = spec.containers[0].securityContext;
      expect(ctx).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: s === 'app' });
      // Prometheus' /-/ready needs basic auth: its probe runs the healthcheck line that reads the mounted password.
      const probe = spec.containers[0].readinessProbe;
      if (s === 'prometheus') expect(probe.exec.command.join(' ')).toContain('`cat /run/secrets/prometheus_password`@127.0.0.1:9090/-/ready');
      else expect(probe.httpGet).toBeDefined();
      expect(spec.containers[0].livenessProbe).toBeDefined();
    }
  });

  it('starts Prometheus with basic auth from its web config and without the admin API', () => {
    const args: string[] = podSpec('prometheus').containers[0].args;
    expect(args).toContain('--web.config.file=/run/secrets/prometheus_web_config');
    expect(args.join(' ')).not.toMatch(/--web\.enable-admin-api|--web\.enable-lifecycle/);
  });

  it('mounts secrets from Secrets the base generates from files under secrets/, with no value in any rendered file', () => {
    const kustomization = kube.find((f) => f.path === 'configs/kubernetes/base/kustomization.yaml')!.content;
    expect(kustomization).toContain('clickhouse_app_password=secrets/clickhouse_app_password');
    expect(podSpec('app').volumes.find((v: { name: string }) => v.name === 'secrets').secret.secretName).toBe('app-secrets');
    expect(kube.flatMap((f) => parseAllDocuments(f.content).map((d) => (d.toJS() as Doc | null)?.kind))).not.toContain('Secret');
  });

  it('closes the backend to the outside in prod (internal network) and opens only the published ports', () => {
    const prod = docsOf('configs/kubernetes/overlays/prod/network-policies.yaml').map((d) => d.metadata.name);
    expect(prod).toEqual(['grafana-published', 'app-published', 'network-backend-internal']);
    const dev = docsOf('configs/kubernetes/overlays/dev/network-policies.yaml').map((d) => d.metadata.name);
    expect(dev).not.toContain('network-backend-internal');
  });

  it('finds nothing wrong with what it renders: pinned schemas, hardening and isolation rules', () => {
    expect(validateKubernetesFiles(files)).toEqual([]);
    expect(validateGeneratedFiles(files)).toEqual([]);
  });
});

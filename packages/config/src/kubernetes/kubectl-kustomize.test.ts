/* eslint-disable @typescript-eslint/no-explicit-any -- the tests reach into parsed YAML to break one field at a time */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { runConfigCli as runCli } from '../cli';
import { ensureSecrets, readSecretValues } from '../ensure-secrets';
import { loadStack } from '../load-stack';
import { checkKubeRules, type KubeDocument } from './kube-rules';
import { kubeSchemaProblems } from './kube-schema';
import { kubeServiceFacts } from './kube-service-facts';
import { KUBE_NAMESPACES, KUBE_PODMAN_OVERLAY_DIR, KUBE_SECRETS_ROOT, kubeOverlayDir } from './kubernetes-layout';

/** infra/scripts/kubectl.sh installs trixie's kubectl 1.32.3 here; any other kubectl on PATH is the fallback. */
const KUBECTL = existsSync('/usr/local/bin/kubectl') ? '/usr/local/bin/kubectl' : 'kubectl';
const quiet = { out: () => undefined, err: () => undefined };

function kustomize(dir: string): KubeDocument[] {
  const r = spawnSync(KUBECTL, ['kustomize', dir], { encoding: 'utf8' });
  if (r.error) throw new Error(`kubectl is not installed (${r.error.message}) — run \`bash infra/scripts/kubectl.sh\` as root`);
  if (r.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${r.stderr}`);
  return parseAllDocuments(r.stdout).map((d) => ({ file: dir, doc: d.toJS() as KubeDocument['doc'] }));
}

describe('kubectl kustomize on the rendered overlays (real kubectl)', () => {
  let root: string;
  const registry = loadStack({ variant: 'dev', imageSet: 'registry' });
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'qraft-kube-'));
    expect(await runCli(['generate', '--out', root], {}, quiet)).toBe(0);
    ensureSecrets(join(root, KUBE_SECRETS_ROOT), registry);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each(['dev', 'prod'] as const)('builds the %s overlay into documents that pass the pinned schemas and the hardening and isolation rules', (variant) => {
    const docs = kustomize(join(root, kubeOverlayDir(variant)));
    expect(docs.flatMap(({ doc }) => kubeSchemaProblems(doc).map((m) => `${doc.kind}/${doc.metadata?.name}: ${m}`))).toEqual([]);
    expect(checkKubeRules(docs, kubeServiceFacts(loadStack({ variant, imageSet: 'registry' })))).toEqual([]);
    const kinds = new Set(docs.map(({ doc }) => doc.kind));
    for (const kind of ['Namespace', 'StatefulSet', 'Deployment', 'Service', 'NetworkPolicy', 'Secret', 'ConfigMap', 'PersistentVolumeClaim']) expect(kinds).toContain(kind);
    const namespaced = docs.filter(({ doc }) => doc.kind !== 'Namespace');
    expect(new Set(namespaced.map(({ doc }) => (doc.metadata as { namespace?: string }).namespace))).toEqual(new Set([KUBE_NAMESPACES[variant]]));
  });

  it('builds the podman overlay: the dev overlay on the offline images, without the services the offline set lacks', () => {
    const docs = kustomize(join(root, KUBE_PODMAN_OVERLAY_DIR));
    const names = docs.map(({ doc }) => `${doc.kind}/${doc.metadata?.name}`);
    expect(names).toContain('StatefulSet/qraft-kube-clickhouse');
    expect(names.some((n) => /grafana|nats-exporter/.test(n) && /Deployment|Service|ConfigMap|PersistentVolumeClaim/.test(n))).toBe(false);
    const images = docs.flatMap(({ doc }) => ((doc.spec as any)?.template?.spec?.containers ?? []).map((c: { image: string }) => c.image));
    expect(images.sort()).toEqual(['qraft-offline/clickhouse:18.16.1', 'qraft-offline/nats:2.10.27', 'qraft-offline/prometheus:2.53.3', 'qraft/app:dev']);
    const clickhouse = docs.find(({ doc }) => doc.kind === 'ConfigMap' && doc.metadata?.name === 'qraft-kube-clickhouse-config')!.doc as any;
    expect(clickhouse.data['qraft.xml']).toContain('image set offline');
    expect(docs.flatMap(({ doc }) => kubeSchemaProblems(doc))).toEqual([]);
  });

  it('generates the Secrets from the files under secrets/ and points every pod at the hashed names', () => {
    const docs = kustomize(join(root, kubeOverlayDir('dev')));
    const secrets = docs.filter(({ doc }) => doc.kind === 'Secret').map(({ doc }) => doc as { metadata: { name: string }; data: Record<string, string> });
    const app = secrets.find((s) => s.metadata.name.startsWith('app-secrets-'))!;
    const password = readFileSync(join(root, KUBE_SECRETS_ROOT, 'secrets', 'clickhouse_app_password'), 'utf8');
    expect(Buffer.from(app.data.clickhouse_app_password!, 'base64').toString('utf8')).toBe(password);
    const appDeployment = docs.find(({ doc }) => doc.kind === 'Deployment' && doc.metadata?.name === 'app')!.doc as any;
    expect(appDeployment.spec.template.spec.volumes.find((v: { name: string }) => v.name === 'secrets').secret.secretName).toBe(app.metadata.name);
  });

  it('leaves no secret value in any rendered file', () => {
    const values = readSecretValues(join(root, KUBE_SECRETS_ROOT), registry);
    expect(values.length).toBeGreaterThan(0);
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? (e.name === 'secrets' ? [] : walk(join(dir, e.name))) : [join(dir, e.name)]));
    for (const file of walk(join(root, 'configs'))) {
      const text = readFileSync(file, 'utf8');
      for (const v of values) expect({ file, leaks: text.includes(v) }).toEqual({ file, leaks: false });
    }
  });

  it('fails with a message naming the missing secret file when secrets/ is empty', async () => {
    const bare = mkdtempSync(join(tmpdir(), 'qraft-kube-bare-'));
    try {
      expect(await runCli(['generate', '--out', bare], {}, quiet)).toBe(0);
      const r = spawnSync(KUBECTL, ['kustomize', join(bare, kubeOverlayDir('prod'))], { encoding: 'utf8' });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/secrets\/(clickhouse|nats)_/);
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });
});

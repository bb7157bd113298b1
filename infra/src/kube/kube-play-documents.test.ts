import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildKubePlay } from './run-kube-test';
import { kubePlayDocuments, type KubeObject } from './kube-play-documents';
import { parsePodmanPrefix } from './podman-command';

const root = join(__dirname, '..', '..', '..');
const KUBECTL = existsSync('/usr/local/bin/kubectl') ? '/usr/local/bin/kubectl' : 'kubectl';

describe('the kube play adaptation of the podman overlay (real kubectl)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'qraft-kube-play-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('turns every workload into one Pod named after its service, with its claims, config and secrets', async () => {
    const plan = await buildKubePlay(root, KUBECTL, dir);
    expect(plan.pods.sort()).toEqual(['app', 'clickhouse', 'nats', 'prometheus']);
    expect(plan.volumes.sort()).toEqual(['qraft-kube-clickhouse-data', 'qraft-kube-nats-data', 'qraft-kube-prometheus-data']);
    expect(plan.secrets.every((s) => s.startsWith('qraft-kube-'))).toBe(true);
    const kinds = new Set(plan.documents.map((d) => d.kind));
    expect([...kinds].sort()).toEqual(['ConfigMap', 'PersistentVolumeClaim', 'Pod', 'Secret']);
    const nats = plan.documents.find((d) => d.kind === 'Pod' && d.metadata?.name === 'nats')!;
    const spec = nats.spec as { containers: Array<{ image: string; securityContext: unknown }>; volumes: Array<{ name: string; persistentVolumeClaim?: { claimName: string } }> };
    expect(spec.containers[0]!.image).toBe('qraft-offline/nats:2.10.27');
    expect(spec.volumes.find((v) => v.name === 'data')!.persistentVolumeClaim!.claimName).toBe('qraft-kube-nats-data');
    expect(spec.containers[0]!.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(plan.documents.some((d) => d.metadata?.namespace !== undefined)).toBe(false);
  });

  it('works around podman: each pod its own emptyDir volume names, secret volumes not optional (podman 5), secrets as ConfigMaps (podman 4), no port bound on the host', async () => {
    const work = join(dir, 'podman4');
    const plan = await buildKubePlay(root, KUBECTL, work, { undecodedSecrets: true });
    const secret = plan.documents.find((d) => d.kind === 'ConfigMap' && d.metadata!.name!.startsWith('qraft-kube-app-secrets'))!;
    expect((secret['data'] as Record<string, string>)['clickhouse_app_password']).toBe(readFileSync(join(work, 'configs/kubernetes/base/secrets/clickhouse_app_password'), 'utf8'));
    const pod = (name: string) => plan.documents.find((d) => d.kind === 'Pod' && d.metadata?.name === name)!.spec as { containers: Array<{ volumeMounts: Array<{ name: string; mountPath: string }> }>; volumes: Array<{ name: string; secret?: { optional?: boolean } }> };
    expect(pod('app').volumes.map((v) => v.name)).toEqual(expect.arrayContaining(['qraft-kube-app-logs', 'qraft-kube-app-tmpfs-0']));
    expect(pod('clickhouse').volumes.map((v) => v.name)).toContain('qraft-kube-clickhouse-logs');
    expect(pod('clickhouse').containers[0]!.volumeMounts.find((m) => m.mountPath === '/var/log/clickhouse-server')!.name).toBe('qraft-kube-clickhouse-logs');
    expect(pod('app').volumes.find((v) => v.name === 'secrets')).toMatchObject({ configMap: { name: secret.metadata!.name } });
    const podman5 = await buildKubePlay(root, KUBECTL, join(dir, 'podman5'));
    const app5 = podman5.documents.find((d) => d.kind === 'Pod' && d.metadata?.name === 'app')!.spec as { volumes: Array<{ name: string; secret?: { optional?: boolean } }> };
    expect(app5.volumes.find((v) => v.name === 'secrets')!.secret!.optional).toBe(false);
    expect(plan.documents.filter((d) => d.kind === 'Pod').flatMap((d) => (d.spec as { containers: Array<{ ports?: unknown }> }).containers.filter((c) => c.ports !== undefined))).toEqual([]);
  });

  it('refuses a workload whose pods carry no service name', () => {
    const bad: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { template: { metadata: { labels: {} }, spec: {} } } };
    expect(() => kubePlayDocuments([bad])).toThrow(/Deployment\/x: its pod template has no app.kubernetes.io\/name label/);
  });

  it('reads a podman command prefix, and refuses an empty one', () => {
    expect(parsePodmanPrefix(' docker exec  qraft-nested podman ')).toEqual(['docker', 'exec', 'qraft-nested', 'podman']);
    expect(() => parsePodmanPrefix('  ')).toThrow(/--podman is empty/);
  });
});

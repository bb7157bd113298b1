import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { ensureSecrets, KUBE_DIR, KUBE_PODMAN_OVERLAY_DIR, KUBE_SECRETS_ROOT, loadStack } from '@qraft/config';
import { pollUntil } from '@qraft/retry';
import { runCommand } from '@qraft/stack';
import type { Progress } from '@qraft/stack';
import { appOverExec } from './app-over-exec';
import { kubePlayDocuments, type KubeObject, type KubePlayOptions, type KubePlayPlan } from './kube-play-documents';
import type { Podman } from './podman-command';

/** The podman network the pods join (a DNS-enabled bridge of its own; nothing is published on the host). */
export const KUBE_TEST_NETWORK = 'qraft-kube';
/** Every volume, secret and network the test creates starts with this; the pods carry the service names. */
export const KUBE_TEST_PREFIX = 'qraft-kube-';

export interface KubeTestOptions {
  readonly workspaceRoot: string;
  readonly podman: Podman;
  readonly kubectl: string;
  readonly timeoutMs: number;
  readonly events: number;
  readonly progress: Progress;
}

export interface KubeTestStep {
  readonly name: string;
  readonly ok: boolean;
  readonly ms: number;
  readonly detail: string;
}

export interface KubeTestResult {
  readonly ok: boolean;
  readonly engine: string;
  readonly steps: KubeTestStep[];
  /** What was left on the engine after `kube down` and the clean-up (must be empty). */
  readonly leftovers: string[];
}

class StepFailed extends Error {}

/** Builds the podman overlay with kubectl and adapts it for kube play; secrets are generated into a temporary copy. */
export async function buildKubePlay(workspaceRoot: string, kubectl: string, dir: string, options: KubePlayOptions = {}): Promise<KubePlayPlan> {
  cpSync(join(workspaceRoot, KUBE_DIR), join(dir, KUBE_DIR), { recursive: true, filter: (src) => !src.includes(`${KUBE_SECRETS_ROOT}/secrets`) });
  ensureSecrets(join(dir, KUBE_SECRETS_ROOT), loadStack({ variant: 'dev', imageSet: 'registry' }));
  const built = await runCommand(kubectl, ['kustomize', join(dir, KUBE_PODMAN_OVERLAY_DIR)], 60_000);
  if (!built.ok) {
    throw new StepFailed(
      built.exitCode === null && /ENOENT/.test(built.stderr)
        ? `kubectl not found (${kubectl}) — run \`bash infra/scripts/kubectl.sh\` as root`
        : `kubectl kustomize ${KUBE_PODMAN_OVERLAY_DIR} failed: ${built.stderr.trim()}`,
    );
  }
  return kubePlayDocuments(parseAllDocuments(built.stdout).map((d) => d.toJS() as KubeObject), options);
}

/** What of the test is still on the engine: its pods, and volumes, secrets and networks with the prefix. */
export async function leftovers(podman: Podman, plan: KubePlayPlan | undefined): Promise<string[]> {
  const found: string[] = [];
  for (const pod of plan?.pods ?? []) if ((await podman(['pod', 'exists', pod])).ok) found.push(`pod ${pod}`);
  const list = async (kind: 'volume' | 'secret' | 'network') => {
    const r = await podman([kind, 'ls', '--format', kind === 'volume' ? '{{.Name}}' : '{{.Name}}']);
    return r.stdout.split('\n').filter((n) => n.startsWith(KUBE_TEST_PREFIX) || n === KUBE_TEST_NETWORK).map((n) => `${kind} ${n}`);
  };
  found.push(...(await list('volume')), ...(await list('secret')), ...(await list('network')));
  return found;
}

/** `kube down`, then what kube down leaves (named volumes of claims and ConfigMaps, secrets, the network). */
export async function tearDown(podman: Podman, playYaml: string | undefined, plan: KubePlayPlan | undefined): Promise<string[]> {
  if (playYaml) await podman(['kube', 'down', '-'], { timeoutMs: 120_000, input: playYaml });
  for (const pod of plan?.pods ?? []) {
    // Only pods of this stack (labelled by the renderer) are removed; a stranger's pod of the same name stays.
    const label = await podman(['pod', 'inspect', pod, '--format', '{{index .Labels "app.kubernetes.io/part-of"}}']);
    if (label.ok && label.stdout.trim() === 'qraft') await podman(['pod', 'rm', '-f', pod], { timeoutMs: 60_000 });
  }
  for (const item of await leftovers(podman, undefined)) {
    const [kind, name] = item.split(' ') as ['volume' | 'secret' | 'network', string];
    await podman(kind === 'volume' ? ['volume', 'rm', '-f', name] : kind === 'secret' ? ['secret', 'rm', name] : ['network', 'rm', '-f', name]);
  }
  return leftovers(podman, plan);
}

/**
 * Runs the dev manifests on podman: build the podman overlay with kubectl, adapt it for kube play, play it
 * on a network of its own, wait for the app's /readyz, publish events through the app and read them back
 * from ClickHouse through the app, then kube down and check that nothing is left.
 */
export async function runKubeTest(options: KubeTestOptions): Promise<KubeTestResult> {
  const { podman, progress } = options;
  const steps: KubeTestStep[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'qraft-kube-test-'));
  let plan: KubePlayPlan | undefined;
  // Given on stdin (`kube play -`), so a nested or remote podman needs no access to this machine's files.
  let playYaml: string | undefined;
  let engine = 'unknown';
  let major = 0;
  const step = async (name: string, run: () => Promise<string>): Promise<void> => {
    const done = progress.step(name);
    const started = Date.now();
    try {
      const detail = await run();
      steps.push({ name, ok: true, ms: done(detail) || Date.now() - started, detail });
    } catch (error) {
      const detail = (error as Error).message;
      done(`FAILED — ${detail}`);
      steps.push({ name, ok: false, ms: Date.now() - started, detail });
      throw new StepFailed(detail);
    }
  };
  try {
    await step('engine', async () => {
      const r = await podman(['version', '--format', '{{.Client.Version}}']);
      if (!r.ok) throw new Error(`podman does not answer: ${r.stderr.trim()} — install it (\`nx run infra:engine\`) or pass --podman`);
      engine = `podman ${r.stdout.trim()}`;
      major = Number(r.stdout.trim().split('.')[0]);
      return engine;
    });
    await step('render', async () => {
      plan = await buildKubePlay(options.workspaceRoot, options.kubectl, dir, { undecodedSecrets: major < 5 });
      playYaml = plan.documents.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
      return `${plan.documents.length} documents: pods ${plan.pods.join(', ')}`;
    });
    await step('images', async () => {
      const images = [...new Set(plan!.documents.filter((d) => d.kind === 'Pod').flatMap((d) => ((d.spec?.['containers'] ?? []) as Array<{ image: string }>).map((c) => c.image)))];
      const missing = [];
      for (const image of images) if (!(await podman(['image', 'exists', image])).ok) missing.push(image);
      if (missing.length > 0) {
        throw new Error(`${missing.join(', ')} not in this podman — build them: \`pnpm nx run infra:offline-images -- --engine podman\` and \`pnpm nx run infra:image -- --engine podman\``);
      }
      return images.join(', ');
    });
    await step('clean start', async () => {
      for (const pod of plan!.pods) {
        const label = await podman(['pod', 'inspect', pod, '--format', '{{index .Labels "app.kubernetes.io/part-of"}}']);
        if (label.ok && label.stdout.trim() !== 'qraft') throw new Error(`a pod named ${pod} exists and is not this stack's — remove it or run the test on another engine (--podman)`);
      }
      const before = await tearDown(podman, undefined, plan);
      if (before.length > 0) throw new Error(`could not remove what an earlier run left: ${before.join(', ')}`);
      return 'nothing of an earlier run is left';
    });
    await step('kube play', async () => {
      const net = await podman(['network', 'create', KUBE_TEST_NETWORK]);
      if (!net.ok) throw new Error(`podman network create ${KUBE_TEST_NETWORK}: ${net.stderr.trim()}`);
      const r = await podman(['kube', 'play', '--network', KUBE_TEST_NETWORK, '-'], { timeoutMs: 300_000, input: playYaml! });
      if (!r.ok) throw new Error(`podman kube play: ${r.stderr.trim().split('\n').filter((l) => !/systemd connection to start healthchecks/.test(l)).join(' | ')}`);
      const published: string[] = [];
      for (const pod of plan!.pods) {
        const ports = await podman(['ps', '--filter', `pod=${pod}`, '--format', '{{.Ports}}']);
        published.push(...ports.stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '').map((l) => `${pod}: ${l}`));
      }
      if (published.length > 0) throw new Error(`kube play published host ports (${published.join('; ')}) — the test must bind nothing on the host`);
      return `${plan!.pods.length} pods on network ${KUBE_TEST_NETWORK}, no host port published`;
    });
    const app = appOverExec(podman, 'app-app');
    await step('app /readyz', async () => {
      try {
        await pollUntil('the app answering 200 on /readyz', async () => {
          const r = await app('GET', '/readyz');
          if (r.status === 200) return true;
          throw new Error(`HTTP ${r.status} ${r.body.slice(0, 300)}`);
        }, options.timeoutMs);
      } catch (error) {
        throw new Error(`${(error as Error).message}\n${await podLogs(podman, plan!.pods)}`, { cause: error });
      }
      return '200';
    });
    await step('round trip', async () => {
      const type = `kube.test.${randomUUID().slice(0, 8)}`;
      const events = Array.from({ length: options.events }, (_, i) => ({ id: randomUUID(), type, source: 'qraft-kube-test', payload: { n: i } }));
      const posted = await app('POST', '/events', JSON.stringify(events));
      if (posted.status !== 202) throw new Error(`POST /events: HTTP ${posted.status} ${posted.body.slice(0, 300)}`);
      const ids = new Set<string>(events.map((e) => e.id));
      const from = new Date(Date.now() - 3_600_000).toISOString();
      const to = new Date(Date.now() + 60_000).toISOString();
      const stored = await pollUntil(`the ${events.length} events of type ${type} stored in ClickHouse`, async () => {
        const r = await app('GET', `/events?${new URLSearchParams({ type, from, to, limit: '500' }).toString()}`);
        if (r.status !== 200) throw new Error(`GET /events: HTTP ${r.status} ${r.body.slice(0, 200)}`);
        const got = (JSON.parse(r.body) as { events: Array<{ id: string }> }).events.filter((e) => ids.has(e.id));
        return got.length === ids.size ? got : undefined;
      }, options.timeoutMs);
      return `${stored.length}/${events.length} events published through the app (NATS JetStream) and read back from ClickHouse`;
    });
  } catch (error) {
    if (!(error instanceof StepFailed)) steps.push({ name: 'unexpected', ok: false, ms: 0, detail: (error as Error).message });
  }
  let left: string[] = [];
  await step('kube down', async () => {
    left = await tearDown(podman, playYaml, plan);
    if (left.length > 0) throw new Error(`left behind: ${left.join(', ')}`);
    return 'pods, volumes, secrets and the network removed';
  }).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
  return { ok: steps.every((s) => s.ok), engine, steps, leftovers: left };
}

async function podLogs(podman: Podman, pods: readonly string[]): Promise<string> {
  const parts: string[] = [];
  for (const pod of pods) {
    const r = await podman(['logs', '--tail', '15', `${pod}-${pod}`]);
    parts.push(`--- ${pod} (last lines)\n${(r.stdout + r.stderr).trim()}`);
  }
  return parts.join('\n');
}

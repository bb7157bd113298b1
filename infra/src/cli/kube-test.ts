import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { formatTable, parseDuration, runMain, UsageError, type CliSpec } from '@qraft/cli';
import { createProgress } from '@qraft/stack';
import { podmanCommand } from '../kube/podman-command';
import { runKubeTest, type KubeTestResult } from '../kube/run-kube-test';

const HELP = `Usage: nx run infra:kube-test [-- --podman "podman"] [--timeout 240s] [--events 20] [--json]

Runs the Kubernetes dev manifests (configs/kubernetes/overlays/podman: the dev overlay on the offline
image set) on podman: kubectl kustomize, kube play on a network of its own (qraft-kube, nothing published
on the host), waits for the app's /readyz, publishes events through the app and reads them back from
ClickHouse, then kube down and checks that no pod, volume, secret or network of the run is left.
  --podman   podman command prefix (default: QRAFT_KUBE_PODMAN, else "podman"), e.g.
             "podman --url unix:///run/podman/podman.sock" or "docker exec -i qraft-nested podman"
             (the YAML goes to kube play on stdin, so exec needs -i)
  --kubectl  kubectl binary (default: /usr/local/bin/kubectl from infra/scripts/kubectl.sh, else kubectl)
  --timeout  how long to wait for /readyz and for the events (default 240s)
  --events   how many events the round trip publishes (default 20)
  --json     print the result as JSON on stdout (progress stays on stderr)
Needs the offline images and qraft/app:dev in that podman (infra:offline-images and infra:image with
--engine podman). See docs/kubernetes.md for what podman kube play does and does not do.`;

export function formatKubeTest(result: KubeTestResult): string {
  const rows = result.steps.map((s) => [s.ok ? 'PASS' : 'FAIL', s.name, `${(s.ms / 1000).toFixed(1)} s`, s.detail.split('\n')[0]!]);
  const passed = result.steps.filter((s) => s.ok).length;
  return [`kube-test on ${result.engine}`, formatTable(rows, { head: ['', 'step', 'took', 'detail'] }), `${passed} passed, ${result.steps.length - passed} failed`].join('\n');
}

const OPTIONS = {
  podman: { type: 'string' },
  kubectl: { type: 'string' },
  timeout: { type: 'string' },
  events: { type: 'string' },
} as const;

export const kubeTestCli: CliSpec<typeof OPTIONS> = {
  name: 'kube-test',
  help: HELP,
  options: OPTIONS,
  async run({ values, json, io }) {
    const events = Number(values.events ?? '20');
    if (!Number.isInteger(events) || events < 1 || events > 500) throw new UsageError(`--events "${values.events}" is not a count — use a whole number from 1 to 500`);
    const result = await runKubeTest({
      workspaceRoot: join(__dirname, '..', '..', '..'),
      podman: podmanCommand(values.podman ?? process.env['QRAFT_KUBE_PODMAN'] ?? 'podman'),
      kubectl: values.kubectl ?? (existsSync('/usr/local/bin/kubectl') ? '/usr/local/bin/kubectl' : 'kubectl'),
      timeoutMs: parseDuration(values.timeout ?? '240s', '--timeout'),
      events,
      progress: createProgress(),
    });
    io.out(json ? JSON.stringify(result, null, 2) : formatKubeTest(result));
    for (const s of result.steps.filter((x) => !x.ok && x.detail.includes('\n'))) io.err(`\n${s.name}:\n${s.detail}`);
    return result.ok ? 0 : 1;
  },
};

if (require.main === module) runMain(kubeTestCli);

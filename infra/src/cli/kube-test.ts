import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createProgress } from '../images/progress';
import { podmanCommand } from '../kube/podman-command';
import { runKubeTest, type KubeTestResult } from '../kube/run-kube-test';
import { parseDuration } from '../stack/stack-options';

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
  const width = Math.max(...result.steps.map((s) => s.name.length));
  const lines = result.steps.map((s) => `${s.ok ? 'PASS' : 'FAIL'}  ${s.name.padEnd(width)}  ${(s.ms / 1000).toFixed(1).padStart(6)} s  ${s.detail.split('\n')[0]}`);
  const passed = result.steps.filter((s) => s.ok).length;
  return [`kube-test on ${result.engine}`, ...lines, `${passed} passed, ${result.steps.length - passed} failed`].join('\n');
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      podman: { type: 'string' },
      kubectl: { type: 'string' },
      timeout: { type: 'string' },
      events: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const events = Number(values.events ?? '20');
  if (!Number.isInteger(events) || events < 1 || events > 500) throw new Error(`--events "${values.events}" is not a count — use a whole number from 1 to 500`);
  const workspaceRoot = join(__dirname, '..', '..', '..');
  const result = await runKubeTest({
    workspaceRoot,
    podman: podmanCommand(values.podman ?? env['QRAFT_KUBE_PODMAN'] ?? 'podman'),
    kubectl: values.kubectl ?? (existsSync('/usr/local/bin/kubectl') ? '/usr/local/bin/kubectl' : 'kubectl'),
    timeoutMs: parseDuration(values.timeout ?? '240s', '--timeout'),
    events,
    progress: createProgress(),
  });
  console.log(values.json ? JSON.stringify(result, null, 2) : formatKubeTest(result));
  for (const s of result.steps.filter((x) => !x.ok && x.detail.includes('\n'))) console.error(`\n${s.name}:\n${s.detail}`);
  return result.ok ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`kube-test: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(2);
    },
  );
}

import { resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { runMain, UsageError, type CliInvocation, type CliSpec } from '@qraft/cli';
import { createProgress } from '@qraft/stack';
import { formatLegLine, sumTotals, type LegResult } from '../matrix/leg-result';
import { MATRIX_LEGS, parseLegs } from '../matrix/matrix-leg';
import { runLeg, type MatrixSuite } from '../matrix/run-leg';

const OPTIONS = { legs: { type: 'string' }, suite: { type: 'string' }, keep: { type: 'boolean' } } as const;

const HELP = `Usage: nx run infra:matrix [-- --legs ${MATRIX_LEGS.map((l) => l.id).join(',')}] [--suite container|faults] [--keep] [--json]

Runs the container tests (infra:container-test, offline image set) on every engine this host can give,
one after the other: the host's Docker and Podman (each under the host stack lock ${'/tmp/qraft-host-stack.lock'}),
then current Docker and Podman from Debian trixie nested in a container of the host's Docker
(infra/scripts/nested-engine.sh: built offline, the image set loaded with docker save | load, the stack in
that container's own network namespace, so no host port is touched). One line per engine:
  <engine> <version> (<compose tool> <version>): N passed, N failed, N skipped
JUnit and JSON per engine in reports/matrix/<leg>.{xml,json}. Exit 0 only when every leg has 0 failed (1 otherwise).
  --legs LIST   a comma-separated subset (default: all)
  --suite NAME  container (default): infra:container-test; faults: infra:fault-test, the fault suite under load
  --keep        keep the qraft-matrix-* containers, volumes and images afterwards (default: removed)
  --json        the results as JSON on stdout (progress stays on stderr)`;

async function run({ values, io }: CliInvocation<typeof OPTIONS>): Promise<number> {
  const legs = parseLegs(values.legs);
  const suite = (values.suite ?? 'container') as MatrixSuite;
  if (suite !== 'container' && suite !== 'faults') throw new UsageError(`--suite "${values.suite}" is not known — use container or faults`);
  const workspaceRoot = resolve(__dirname, '../../..');
  const progress = createProgress();
  const startedAt = Date.now();
  const results: LegResult[] = [];
  try {
    for (const leg of legs) {
      const result = await runLeg(leg, { workspaceRoot, progress, suite, keep: values.keep ?? false });
      results.push(result);
      progress.line(`${leg.id}: ${formatLegLine(result)} in ${(result.durationMs / 1000).toFixed(0)} s${result.error ? ` — ${result.error}` : ''}`);
    }
  } finally {
    if (legs.some((l) => l.place === 'nested') && !values.keep) {
      spawnSync('bash', [resolve(workspaceRoot, 'infra/scripts/nested-engine.sh'), 'clean', '--images'], { stdio: ['ignore', 'ignore', 'inherit'] });
    }
  }
  const total = sumTotals(results);
  const elapsedMs = Date.now() - startedAt;
  if (values.json) {
    io.out(JSON.stringify({ legs: results, totals: total, durationMs: elapsedMs }, null, 2));
  } else {
    io.out('');
    for (const r of results) io.out(formatLegLine(r));
    io.out(`matrix: ${results.length} engines in ${(elapsedMs / 1000).toFixed(0)} s; reports in reports/matrix/`);
  }
  return results.every((r) => r.totals.failed === 0) ? 0 : 1;
}

export const matrixCli: CliSpec<typeof OPTIONS> = { name: 'matrix', help: HELP, options: OPTIONS, run };

if (require.main === module) runMain(matrixCli);

import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand, streamCommand } from '@qraft/stack';
import type { Progress } from '@qraft/stack';
import { describeEngine, type CommandRunner } from './engine-description';
import { NO_REPORT, noReportJUnit, totalsFromVerifyJson, type LegResult } from './leg-result';
import type { MatrixLeg } from './matrix-leg';

/** The host stack's fixed names and ports are shared by everyone on this machine: one stack run at a time. */
export const HOST_STACK_LOCK = '/tmp/qraft-host-stack.lock';

/** What a leg runs: the container tests (infra:container-test) or the fault suite (infra:fault-test). */
export type MatrixSuite = 'container' | 'faults';

const SUITES: Record<MatrixSuite, { readonly target: string; readonly reportDir: string }> = {
  container: { target: 'infra:container-test', reportDir: 'verify' },
  faults: { target: 'infra:fault-test', reportDir: 'faults' },
};

export interface LegOptions {
  readonly workspaceRoot: string;
  readonly suite: MatrixSuite;
  readonly progress: Progress;
  /** Leave the nested engine's container and volume in place after the leg (for a look inside). */
  readonly keep?: boolean;
}

const STEP_TIMEOUT_MS = 30 * 60_000;

/**
 * One leg: `infra:container-test` (or `infra:fault-test`) on one engine with the offline image set, its
 * report copied to reports/matrix/<leg>.{xml,json} (<leg>-faults.… for the fault suite), then `infra:down`. Never throws: what went wrong is in `error`.
 */
export async function runLeg(leg: MatrixLeg, options: LegOptions): Promise<LegResult> {
  const { workspaceRoot, progress } = options;
  const startedAt = Date.now();
  const script = join(workspaceRoot, 'infra', 'scripts', 'nested-engine.sh');
  const nx = join(workspaceRoot, 'node_modules', '.bin', 'nx');
  const flags = ['--engine', leg.engine, '--images', 'offline'];
  const say = (line: string) => progress.line(`${leg.id}: ${line}`);
  const stream = async (file: string, args: readonly string[]) => {
    const env = { ...process.env, FORCE_COLOR: '0' };
    const result = await streamCommand(file, args, { cwd: workspaceRoot, env, timeoutMs: STEP_TIMEOUT_MS, onLine: (l) => say(`  ${l}`) });
    return result.ok ? '' : `${[file, ...args].join(' ')} failed (${result.error || `exit ${result.exitCode}`})`;
  };
  // Host legs hold the host stack lock for one command at a time; nested legs run in their own container.
  const inLeg = (file: string, args: readonly string[]): [string, string[]] =>
    leg.place === 'host' ? ['flock', [HOST_STACK_LOCK, file, ...args]] : ['bash', [script, 'exec', leg.engine, file, ...args]];
  const probe: CommandRunner = (file, args) =>
    leg.place === 'host' ? runCommand(file, args) : runCommand('bash', [script, 'exec', leg.engine, file, ...args]);

  const suite = SUITES[options.suite];
  const reportName = `${leg.engine}-offline-dev`;
  const verifyJson = join(workspaceRoot, 'reports', suite.reportDir, `${reportName}.json`);
  const verifyXml = join(workspaceRoot, 'reports', suite.reportDir, `${reportName}.xml`);
  rmSync(verifyJson, { force: true });
  rmSync(verifyXml, { force: true });

  let error = '';
  if (leg.place === 'nested') {
    const done = progress.step(`${leg.id}: start the nested ${leg.engine} and load the offline image set`);
    error = (await stream('bash', [script, 'start', leg.engine])) || (await stream('bash', [script, 'load', leg.engine]));
    done(error ? 'failed' : 'done');
  }
  const engine = await describeEngine(leg.engine, probe);
  say(engine);
  if (!error) {
    const done = progress.step(`${leg.id}: ${suite.target}`);
    error = await stream(...inLeg(nx, ['run', suite.target, '--output-style=stream', '--', ...flags]));
    done(error ? 'failed' : 'done');
    const down = await stream(...inLeg(nx, ['run', 'infra:down', '--output-style=stream', '--', ...flags]));
    if (down) say(`warning: ${down}`);
  }
  if (leg.place === 'nested' && !options.keep) await stream('bash', [script, 'stop', leg.engine]);

  const reportText = existsSync(verifyJson) ? readFileSync(verifyJson, 'utf8') : undefined;
  const totals = totalsFromVerifyJson(reportText);
  const reports: string[] = [];
  const base = options.suite === 'faults' ? `${leg.id}-faults` : leg.id;
  const dir = join(workspaceRoot, 'reports', 'matrix');
  if (!totals) {
    // CI sums JUnit files: a leg that never verified anything still shows up as one failed case.
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${base}.xml`), noReportJUnit(leg.id, engine, error || `${suite.target} wrote no report`));
    reports.push(join('reports', 'matrix', `${base}.xml`));
  }
  if (totals) {
    mkdirSync(dir, { recursive: true });
    for (const [from, ext] of [[verifyXml, 'xml'], [verifyJson, 'json']] as const) {
      if (!existsSync(from)) continue;
      // Moved, not copied: the next leg on the same engine writes the same name, and CI sums every report once.
      renameSync(from, join(dir, `${base}.${ext}`));
      reports.push(join('reports', 'matrix', `${base}.${ext}`));
    }
  }
  return {
    id: leg.id,
    engine,
    totals: totals ?? NO_REPORT,
    durationMs: Date.now() - startedAt,
    // A failed check is the report's to tell; the error is for a leg that produced no report at all.
    error: totals ? '' : error || `${suite.target} wrote no report`,
    reports,
  };
}

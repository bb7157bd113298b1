/**
 * How long `infra:up` takes until all-healthy, cold (fresh data directories) and warm (data kept), beside
 * the time the slowest single service needs to become ready on its own — all measured in this one run,
 * so the ratio means something on a shared machine where absolute seconds do not. Two start orders:
 * `depends_on` (one `compose up -d`: compose holds dependants until the engine's healthchecks pass, as a
 * plain `docker compose up` of the file does — the baseline) and `gate` (what `up` does: compose never waits
 * on the engine's healthchecks, our readiness gate decides; see @qraft/stack's composeUpCalls). Where both orders
 * make the same calls (podman-compose before 1.3: one `up -d` either way) only `gate` is measured. The services
 * alone are started (`up -d --no-deps`) with the override or document `up` uses, if any, since podman-compose
 * re-creates the whole stack when its config hash changes. Each up is split into its host checks (ports, images, directories,
 * secrets), the compose calls, and what the readiness gate still waited after compose returned.
 *
 *   tsx --conditions=@qraft/source infra/bench/up-time.ts [--engine docker|podman] [--runs 3] [--json]
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { dataDirectories } from '@qraft/config';
import { waitUntilHealthy } from '@qraft/health';
import { composeStream, composeUpCalls, documentTarget, downStack, openStack, readinessChecks, silentProgress, upStack, withOverride, type Progress, type StackHandle, type StartOrder } from '@qraft/stack';
import { normalizeOptions, type StackOptions } from '../src/stack/stack-options';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface UpTiming {
  readonly totalMs: number;
  /** Ports, images, directories and secrets: everything before the first compose call. */
  readonly checksMs: number;
  readonly composeMs: number;
  /** From the end of the last compose call until the readiness gate passed (it polls during compose too). */
  readonly waitMs: number;
}

/** A progress that prints nothing and keeps each step's duration. */
function recordingProgress(): { progress: Progress; steps: Array<{ message: string; ms: number; endedAt: number }> } {
  const steps: Array<{ message: string; ms: number; endedAt: number }> = [];
  const progress: Progress = {
    line: () => undefined,
    step: (message) => {
      const started = performance.now();
      return () => {
        const ms = performance.now() - started;
        steps.push({ message, ms, endedAt: performance.now() });
        return ms;
      };
    },
  };
  return { progress, steps };
}

async function timeUp(handle: StackHandle, options: StackOptions, startOrder: StartOrder): Promise<{ handle: StackHandle; timing: UpTiming }> {
  const { progress, steps } = recordingProgress();
  const started = performance.now();
  const up = await upStack(handle, { timeoutMs: options.timeoutMs, startOrder }, progress);
  const totalMs = performance.now() - started;
  // The compose up calls, and with them (podman-compose 1.3+) the starts of the containers they only created.
  const compose = steps.filter((s) => / up( |$|,)/.test(s.message));
  const composeMs = compose.reduce((sum, s) => sum + s.ms, 0);
  const firstCompose = compose[0] ? compose[0].endedAt - compose[0].ms - started : 0;
  const waitMs = totalMs - firstCompose - composeMs;
  // upStack answers a handle with the credentials it may just have generated: the alone runs probe with them.
  return { handle: up.handle, timing: { totalMs, checksMs: firstCompose, composeMs, waitMs } };
}

/** Empties each service's data directory, keeping the directory (and its owner) and git's .gitkeep. */
function wipeData(handle: StackHandle, options: StackOptions): void {
  for (const dir of dataDirectories(handle.model)) {
    if (dir.kind !== 'data') continue;
    const path = join(options.workspaceRoot, dir.path);
    for (const entry of readdirSync(path)) {
      if (entry !== '.gitkeep') rmSync(join(path, entry), { recursive: true, force: true });
    }
  }
}

/** One service started on its own (its dependencies already up, for the app), until its probe passes. */
async function timeAlone(handle: StackHandle, service: string): Promise<number> {
  const check = readinessChecks(handle.model, handle.docker, handle.credentials).find((c) => c.name === service)!;
  await composeStream(handle.target, ['stop', service], () => undefined);
  await composeStream(handle.target, ['rm', '-f', service], () => undefined);
  const started = performance.now();
  const [call] = composeUpCalls(handle.model, handle.runtime.compose);
  // The same document or override as `up`'s own call: podman-compose re-creates all when its config hash changes.
  const base = call?.document ? documentTarget(handle.target, call.document) : handle.target;
  const result = await withOverride(base, call?.override, (target) => {
    const start = () => composeStream(target, ['up', '-d', '--no-deps', service], () => undefined);
    return call?.skipsEngineHealth ? start() : handle.runtime.engine.whileStarting(handle.model, start);
  });
  if (!result.ok) throw new Error(`starting ${service} alone failed: ${result.tail.slice(-5).join('\n')}`);
  // As `up` does: on Podman with CNI, the re-created container's resolver order is repaired.
  await handle.runtime.engine.afterStart(handle.model);
  await waitUntilHealthy([check], { timeoutMs: 180_000 });
  return performance.now() - started;
}

const medianTiming = (xs: UpTiming[]): UpTiming => ({
  totalMs: median(xs.map((x) => x.totalMs)),
  checksMs: median(xs.map((x) => x.checksMs)),
  composeMs: median(xs.map((x) => x.composeMs)),
  waitMs: median(xs.map((x) => x.waitMs)),
});

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { engine: { type: 'string' }, runs: { type: 'string' }, json: { type: 'boolean' } } });
  const runs = Number(values.runs ?? 3);
  const options = normalizeOptions({ ...(values.engine ? { engine: values.engine } : {}) }, process.env);
  let handle = await openStack(options, process.env);
  const services = Object.values(handle.model.services).filter((s) => s.available).map((s) => s.name);
  const sameCalls = JSON.stringify(composeUpCalls(handle.model, handle.runtime.compose, 'gate')) === JSON.stringify(composeUpCalls(handle.model, handle.runtime.compose, 'depends_on'));
  const orders: StartOrder[] = sameCalls ? ['gate'] : ['depends_on', 'gate'];
  const cold: Record<string, UpTiming[]> = Object.fromEntries(orders.map((o) => [o, []]));
  const warm: Record<string, UpTiming[]> = Object.fromEntries(orders.map((o) => [o, []]));
  const alone: Record<string, number[]> = Object.fromEntries(services.map((s) => [s, []]));
  for (let run = 0; run < runs; run += 1) {
    for (const order of orders) {
      await downStack(handle, silentProgress);
      wipeData(handle, options);
      const c = await timeUp(handle, options, order);
      cold[order]!.push(c.timing);
      await downStack(handle, silentProgress);
      const w = await timeUp(c.handle, options, order);
      warm[order]!.push(w.timing);
      handle = w.handle;
      process.stderr.write(`run ${run + 1}/${runs}, ${order}: cold ${(c.timing.totalMs / 1_000).toFixed(1)} s, warm ${(w.timing.totalMs / 1_000).toFixed(1)} s\n`);
    }
    for (const service of services) alone[service]!.push(await timeAlone(handle, service));
  }
  await downStack(handle, silentProgress);
  const aloneMedian = Object.fromEntries(services.map((s) => [s, median(alone[s]!)]));
  const [slowest, slowestMs] = Object.entries(aloneMedian).sort((a, b) => b[1] - a[1])[0]!;
  const byOrder = Object.fromEntries(
    orders.map((o) => {
      const c = medianTiming(cold[o]!);
      const w = medianTiming(warm[o]!);
      return [o, { cold: c, warm: w, coldRatio: c.totalMs / slowestMs, warmRatio: w.totalMs / slowestMs }];
    }),
  );
  const result = { engine: `${handle.runtime.compose.name} ${handle.runtime.compose.version}`, runs, orders: byOrder, aloneMs: aloneMedian, slowest: { service: slowest, ms: slowestMs } };
  if (values.json) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  const s = (ms: number) => `${(ms / 1_000).toFixed(1)} s`;
  console.log(`engine ${result.engine}, median of ${runs} runs; ratio to the slowest service alone (${slowest})`);
  console.log(`| measure | start order | time | ratio | host checks | compose | ready after compose |`);
  console.log(`| --- | --- | --- | --- | --- | --- | --- |`);
  for (const o of orders) {
    const r = byOrder[o]!;
    console.log(`| cold up (fresh data) until all-healthy | ${o} | ${s(r.cold.totalMs)} | ${r.coldRatio.toFixed(2)} | ${s(r.cold.checksMs)} | ${s(r.cold.composeMs)} | ${s(r.cold.waitMs)} |`);
    console.log(`| warm up (data kept) until all-healthy | ${o} | ${s(r.warm.totalMs)} | ${r.warmRatio.toFixed(2)} | ${s(r.warm.checksMs)} | ${s(r.warm.composeMs)} | ${s(r.warm.waitMs)} |`);
  }
  for (const [service, ms] of Object.entries(aloneMedian)) console.log(`| ${service} alone until ready | | ${s(ms)} | ${(ms / slowestMs).toFixed(2)} | | | |`);
}

main().catch((error: unknown) => {
  console.error(`up-time: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

/**
 * How long `infra:up` takes until all-healthy, cold (fresh data directories) and warm (data kept), beside
 * the time the slowest single service needs to become ready on its own — all measured in this one run,
 * so the ratio means something on a shared machine where absolute seconds do not.
 *
 *   tsx --conditions=@qraft/source infra/bench/up-time.ts [--engine docker|podman] [--runs 3] [--json]
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { dataDirectories } from '@qraft/config';
import { waitUntilHealthy } from '@qraft/health';
import { composeStream, downStack, openStack, readinessChecks, silentProgress, upStack, type StackHandle } from '@qraft/stack';
import { normalizeOptions, type StackOptions } from '../src/stack/stack-options';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timeUp(handle: StackHandle, options: StackOptions): Promise<number> {
  const started = performance.now();
  await upStack(handle, options, silentProgress);
  return performance.now() - started;
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
  const result = await composeStream(handle.target, ['up', '-d', '--no-deps', service], () => undefined);
  if (!result.ok) throw new Error(`starting ${service} alone failed: ${result.tail.slice(-5).join('\n')}`);
  await waitUntilHealthy([check], { timeoutMs: 180_000 });
  return performance.now() - started;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { engine: { type: 'string' }, runs: { type: 'string' }, json: { type: 'boolean' } } });
  const runs = Number(values.runs ?? 3);
  const options = normalizeOptions({ ...(values.engine ? { engine: values.engine } : {}) }, process.env);
  const handle = await openStack(options, process.env);
  const services = Object.values(handle.model.services).filter((s) => s.available).map((s) => s.name);
  const cold: number[] = [];
  const warm: number[] = [];
  const alone: Record<string, number[]> = Object.fromEntries(services.map((s) => [s, []]));
  for (let run = 0; run < runs; run += 1) {
    await downStack(handle, silentProgress);
    wipeData(handle, options);
    cold.push(await timeUp(handle, options));
    await downStack(handle, silentProgress);
    warm.push(await timeUp(handle, options));
    for (const service of services) alone[service]!.push(await timeAlone(handle, service));
    process.stderr.write(`run ${run + 1}/${runs}: cold ${(cold.at(-1)! / 1_000).toFixed(1)} s, warm ${(warm.at(-1)! / 1_000).toFixed(1)} s\n`);
  }
  await downStack(handle, silentProgress);
  const aloneMedian = Object.fromEntries(services.map((s) => [s, median(alone[s]!)]));
  const [slowest, slowestMs] = Object.entries(aloneMedian).sort((a, b) => b[1] - a[1])[0]!;
  const result = {
    engine: handle.runtime.compose.name,
    runs,
    coldUpMs: median(cold),
    warmUpMs: median(warm),
    aloneMs: aloneMedian,
    slowest: { service: slowest, ms: slowestMs },
    coldRatio: median(cold) / slowestMs,
    warmRatio: median(warm) / slowestMs,
  };
  if (values.json) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  const s = (ms: number) => `${(ms / 1_000).toFixed(1)} s`;
  console.log(`engine ${result.engine}, median of ${runs} runs`);
  console.log(`| measure | time | ratio to the slowest service alone |`);
  console.log(`| --- | --- | --- |`);
  console.log(`| cold up (fresh data) until all-healthy | ${s(result.coldUpMs)} | ${result.coldRatio.toFixed(2)} |`);
  console.log(`| warm up (data kept) until all-healthy | ${s(result.warmUpMs)} | ${result.warmRatio.toFixed(2)} |`);
  for (const [service, ms] of Object.entries(aloneMedian)) console.log(`| ${service} alone until ready | ${s(ms)} | ${(ms / slowestMs).toFixed(2)} |`);
}

main().catch((error: unknown) => {
  console.error(`up-time: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

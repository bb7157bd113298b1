import { spawnSync } from 'node:child_process';
import type { EngineName } from './container-engine';

/**
 * Engines that answer, decided synchronously when a test file loads, so a suite can pick `it` or
 * `it.skip` per engine and print why — a missing engine is a visible skip, never a silent pass.
 */
export function engineForTests(engine: EngineName): { readonly available: boolean; readonly reason: string } {
  const format = engine === 'docker' ? '{{.Server.Version}}' : '{{.Client.Version}}';
  const probe = spawnSync(engine, ['version', '--format', format], { encoding: 'utf8', timeout: 15_000 });
  if (probe.status === 0 && probe.stdout.trim() !== '') return { available: true, reason: '' };
  const why = probe.error ? `${engine} is not installed` : `${engine} does not answer`;
  return { available: false, reason: `${why} — run \`nx run infra:engine\` to test on it` };
}

/** `it` when the engine answers, else `it.skip` after printing the reason once. */
export function itOnEngine(engine: EngineName): jest.It {
  const { available, reason } = engineForTests(engine);
  if (!available) console.warn(`skipping ${engine} tests: ${reason}`);
  return available ? it : it.skip;
}

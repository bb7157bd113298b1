import { existsSync } from 'node:fs';
import { engineAdapter, SOCKETS, type EngineAdapter, type EngineName } from './engine-adapter';
import { runCommand } from './run-command';

export { SOCKETS, type EngineName };
export type ComposeToolName = 'docker-compose-v2' | 'docker-compose-v1' | 'podman-compose';

export interface ComposeTool {
  readonly name: ComposeToolName;
  readonly engine: EngineName;
  /** argv prefix: e.g. ['docker', 'compose'] */
  readonly command: readonly string[];
  readonly version: string;
}

export interface Runtime {
  readonly compose: ComposeTool;
  /** What differs between the engines: socket, repairs after start, clean-up after down. */
  readonly engine: EngineAdapter;
  /** Docker-API socket for dockerode (Docker's own, or Podman's API service). */
  readonly socketPath: string;
}

const CANDIDATES: ReadonlyArray<{ name: ComposeToolName; engine: EngineName; command: string[] }> = [
  { name: 'docker-compose-v2', engine: 'docker', command: ['docker', 'compose'] },
  { name: 'docker-compose-v1', engine: 'docker', command: ['docker-compose'] },
  { name: 'podman-compose', engine: 'podman', command: ['podman-compose'] },
];

const ALIASES: Record<string, ComposeToolName> = {
  docker: 'docker-compose-v2',
  'docker-compose-v2': 'docker-compose-v2',
  'docker-compose-v1': 'docker-compose-v1',
  'docker-compose': 'docker-compose-v1',
  podman: 'podman-compose',
  'podman-compose': 'podman-compose',
};

/** Maps a user's --engine / QRAFT_ENGINE value to a compose tool, or explains the accepted values. */
export function parseEngineChoice(value: string): ComposeToolName {
  const name = ALIASES[value.trim().toLowerCase()];
  if (!name) {
    throw new Error(
      `engine "${value}" is not known — use docker, podman, docker-compose-v1 or podman-compose (option --engine or QRAFT_ENGINE)`,
    );
  }
  return name;
}

/** The engine behind a user's --engine / QRAFT_ENGINE value (docker, podman or a compose tool's name). */
export function engineOfChoice(value: string): EngineName {
  return CANDIDATES.find((c) => c.name === parseEngineChoice(value))!.engine;
}

/** Answers the version of one compose tool, or undefined when it is not installed. */
export async function probeComposeTool(name: ComposeToolName): Promise<ComposeTool | undefined> {
  const candidate = CANDIDATES.find((c) => c.name === name)!;
  const [file, ...rest] = candidate.command;
  const result = await runCommand(file!, [...rest, 'version']);
  if (!result.ok) return undefined;
  // podman-compose prints podman's version first; take the line that names the tool itself.
  const line = result.stdout.split('\n').find((l) => /compose/i.test(l)) ?? result.stdout;
  const version = /v?(\d+\.\d+\.\d+)/.exec(line)?.[1] ?? 'unknown';
  // `docker compose` falls back to unrelated help text when the plugin is absent; require a version.
  if (version === 'unknown') return undefined;
  return { ...candidate, version };
}

/**
 * Picks the compose tool: the explicit choice if given, else the first one present whose engine
 * socket answers (docker compose v2, then docker-compose v1, then podman-compose).
 */
export async function detectRuntime(choice?: string): Promise<Runtime> {
  // This is the one place that picks an engine: up, verify, the fault suite, image builds and qraft-health.
  const wanted = choice ? [parseEngineChoice(choice)] : CANDIDATES.map((c) => c.name);
  const missing: string[] = [];
  for (const name of wanted) {
    const tool = await probeComposeTool(name);
    if (!tool) {
      missing.push(`${name} is not installed`);
      continue;
    }
    const socketPath = SOCKETS[tool.engine];
    if (!existsSync(socketPath)) {
      missing.push(`${name} is installed but the ${tool.engine} API socket ${socketPath} is absent`);
      continue;
    }
    return { compose: tool, engine: engineAdapter(tool.engine), socketPath };
  }
  throw new Error(
    `no usable container engine: ${missing.join('; ')} — run \`nx run infra:engine\` as root on Debian/Ubuntu, ` +
      `or install Docker (with compose v2) or Podman (with podman-compose) and start it; \`nx run infra:doctor\` shows what is missing`,
  );
}

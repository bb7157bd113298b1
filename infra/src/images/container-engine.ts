import { detectRuntime, engineOfChoice, runCommand, type EngineName } from '@qraft/stack';

export type { EngineName };

export interface ImageInfo {
  /** Normalised `sha256:<hex>` (Podman answers bare hex; Docker prefixes it). */
  readonly id: string;
  readonly sizeBytes: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly tags: readonly string[];
}

export interface EngineStatus {
  readonly engine: EngineName;
  readonly ok: boolean;
  readonly version: string;
  /** What is wrong and how to fix it; empty when ok. */
  readonly error: string;
}

const FIX = 'run `nx run infra:engine` (as root) to install and start it; `nx run infra:doctor` shows what is missing';

export function normaliseImageId(id: string): string {
  const hex = id.trim().replace(/^sha256:/, '');
  return `sha256:${hex}`;
}

/** Accepts docker/podman and the compose tool names of --engine / QRAFT_ENGINE, answers the image engine. */
export const parseImageEngine = engineOfChoice;

/** Whether the engine answers; a probe, so it never throws. */
export async function checkEngine(engine: EngineName): Promise<EngineStatus> {
  const format = engine === 'docker' ? '{{.Server.Version}}' : '{{.Client.Version}}';
  const result = await runCommand(engine, ['version', '--format', format]);
  const version = result.stdout.trim();
  if (result.exitCode === null && !result.stdout) {
    return { engine, ok: false, version: '', error: `${engine} is not installed — ${FIX}` };
  }
  if (!result.ok || version === '' || version === '<no value>') {
    const why = result.stderr.split('\n').find((l) => l.trim() !== '')?.trim() ?? 'no answer';
    return { engine, ok: false, version: '', error: `${engine} does not answer (${why}) — ${FIX}` };
  }
  return { engine, ok: true, version, error: '' };
}

/** Throws the probe's message when the engine is unusable. */
export async function assertEngine(engine: EngineName): Promise<string> {
  const status = await checkEngine(engine);
  if (!status.ok) throw new Error(status.error);
  return status.version;
}

/** The chosen engine: the argument, else QRAFT_ENGINE, else the one `up` would detect (@qraft/stack). */
export async function resolveImageEngine(choice: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<EngineName> {
  const explicit = choice ?? env['QRAFT_ENGINE'];
  if (explicit) return engineOfChoice(explicit);
  return (await detectRuntime()).engine.name;
}

interface RawInspect {
  Id?: string;
  Size?: number;
  RepoTags?: string[] | null;
  Labels?: Record<string, string> | null;
  Config?: { Labels?: Record<string, string> | null } | null;
}

/** The image's id, size and labels, or undefined when the engine does not have it. */
export async function inspectImage(engine: EngineName, ref: string): Promise<ImageInfo | undefined> {
  const result = await runCommand(engine, ['image', 'inspect', ref], 30_000);
  if (!result.ok) return undefined;
  const [raw] = JSON.parse(result.stdout) as RawInspect[];
  if (!raw?.Id) return undefined;
  return {
    id: normaliseImageId(raw.Id),
    sizeBytes: raw.Size ?? 0,
    labels: raw.Config?.Labels ?? raw.Labels ?? {},
    tags: raw.RepoTags ?? [],
  };
}

export async function imageExists(engine: EngineName, idOrTag: string): Promise<boolean> {
  return (await inspectImage(engine, idOrTag)) !== undefined;
}

/** Removes one image by tag or id; answers whether it is gone afterwards. */
export async function removeImage(engine: EngineName, ref: string): Promise<boolean> {
  await runCommand(engine, ['image', 'rm', '--force', ref], 60_000);
  return !(await imageExists(engine, ref));
}

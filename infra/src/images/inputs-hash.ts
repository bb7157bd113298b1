import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { loadDockerIgnore, type DockerIgnore } from './dockerignore';

export interface InputsHashOptions {
  /** Build context directory: every file the engine would send counts (paths, modes, contents); .dockerignore applies. */
  readonly context?: string;
  readonly dockerfile?: string;
  readonly buildArgs?: Readonly<Record<string, string>>;
  /** Anything else the result depends on (e.g. the base image id, a recipe version). */
  readonly extra?: Readonly<Record<string, string>>;
}

function walk(root: string, dir: string, ignore: DockerIgnore, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    const rel = relative(root, full).split(sep).join('/');
    if (entry.isDirectory()) {
      if (!ignore.hasExceptions && ignore.ignores(rel)) continue;
      walk(root, full, ignore, out);
    } else if ((entry.isFile() || entry.isSymbolicLink()) && !ignore.ignores(rel)) out.push(full);
    // sockets and FIFOs are neither sent by the engine nor readable without blocking
  }
}

/**
 * sha256 over what a build reads. File names are sorted so the hash does not depend on directory
 * order; the mode is included because COPY preserves it.
 */
export function hashBuildInputs(options: InputsHashOptions): string {
  const hash = createHash('sha256');
  const add = (label: string, value: string | Buffer): void => {
    hash.update(`${label}\0`);
    hash.update(value);
    hash.update('\0');
  };
  if (options.context) {
    const files: string[] = [];
    walk(options.context, options.context, loadDockerIgnore(options.context), files);
    for (const file of files.sort()) {
      const rel = relative(options.context, file).split(sep).join('/');
      const stat = lstatSync(file);
      add(`file:${rel}:${(stat.mode & 0o777).toString(8)}`, stat.isSymbolicLink() ? `-> ${readlinkSync(file)}` : readFileSync(file));
    }
  }
  if (options.dockerfile) add('dockerfile', readFileSync(options.dockerfile));
  for (const [key, value] of Object.entries(options.buildArgs ?? {}).sort(([a], [b]) => a.localeCompare(b))) add(`arg:${key}`, value);
  for (const [key, value] of Object.entries(options.extra ?? {}).sort(([a], [b]) => a.localeCompare(b))) add(`extra:${key}`, value);
  return `sha256:${hash.digest('hex')}`;
}

/**
 * sha256 over source paths under root (files or directories), skipping directories by name
 * (node_modules, dist…). For contexts that a script writes non-deterministically, hash what
 * the script reads instead.
 */
export function hashSourceTree(root: string, paths: readonly string[], skipDirNames: readonly string[]): string {
  const hash = createHash('sha256');
  const skip = new Set(skipDirNames);
  const visit = (rel: string): void => {
    const full = join(root, rel);
    let stat;
    try {
      stat = lstatSync(full);
    } catch {
      return; // an optional path that is absent
    }
    if (stat.isDirectory()) {
      for (const name of readdirSync(full).sort()) if (!skip.has(name)) visit(rel === '' ? name : `${rel}/${name}`);
    } else if (stat.isFile() || stat.isSymbolicLink()) {
      hash.update(`file:${rel}:${(stat.mode & 0o777).toString(8)}\0`);
      hash.update(stat.isSymbolicLink() ? `-> ${readlinkSync(full)}` : readFileSync(full));
      hash.update('\0');
    }
  };
  for (const p of [...paths].sort()) visit(p);
  return `sha256:${hash.digest('hex')}`;
}

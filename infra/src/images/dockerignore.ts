import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ignore from '@balena/dockerignore';

export interface DockerIgnore {
  /** Whether the engine leaves this context-relative path (posix separators) out of the build context. */
  readonly ignores: (path: string) => boolean;
  /** With `!` exceptions a file under an excluded directory may come back, so directories cannot be pruned. */
  readonly hasExceptions: boolean;
}

/**
 * Docker's .dockerignore rules, by @balena/dockerignore (a port of moby's own matcher): globs with `**`,
 * `!` exceptions, the last matching rule wins, a directory pattern covers everything below it.
 */
export function parseDockerIgnore(text: string): DockerIgnore {
  const matcher = ignore().add(text);
  return {
    hasExceptions: text.split(/\r?\n/).some((line) => line.trim().startsWith('!')),
    ignores: (path) => matcher.ignores(path),
  };
}

/** The context's .dockerignore, or a filter that keeps everything. */
export function loadDockerIgnore(context: string): DockerIgnore {
  const file = join(context, '.dockerignore');
  return existsSync(file) ? parseDockerIgnore(readFileSync(file, 'utf8')) : { ignores: () => false, hasExceptions: false };
}

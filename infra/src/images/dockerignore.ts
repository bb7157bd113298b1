import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';

interface Rule {
  readonly regex: RegExp;
  readonly exception: boolean;
}

export interface DockerIgnore {
  /** Whether the engine leaves this context-relative path (posix separators) out of the build context. */
  readonly ignores: (path: string) => boolean;
  /** With `!` exceptions a file under an excluded directory may come back, so directories cannot be pruned. */
  readonly hasExceptions: boolean;
}

function patternToRegex(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        // `**` spans directories; `**/` may also match nothing.
        i++;
        if (pattern[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end === -1) re += '\\[';
      else {
        re += `[${pattern.slice(i + 1, end).replace(/^\^/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < pattern.length) re += `\\${pattern[++i]}`;
    else re += /[.+^${}()|\\]/.test(c) ? `\\${c}` : c;
  }
  // A pattern that names a directory excludes everything below it, as Docker's does.
  return new RegExp(`^${re}(?:/.*)?$`);
}

/** Docker's .dockerignore rules: globs with `**`, `!` exceptions, the last matching rule wins. */
export function parseDockerIgnore(text: string): DockerIgnore {
  const rules: Rule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const exception = line.startsWith('!');
    if (exception) line = line.slice(1).trim();
    line = posix.normalize(line).replace(/^\/+/, '').replace(/\/+$/, '');
    if (line === '' || line === '.') continue;
    rules.push({ regex: patternToRegex(line), exception });
  }
  return {
    hasExceptions: rules.some((r) => r.exception),
    ignores: (path) => {
      let ignored = false;
      for (const rule of rules) if (rule.regex.test(path)) ignored = !rule.exception;
      return ignored;
    },
  };
}

/** The context's .dockerignore, or a filter that keeps everything. */
export function loadDockerIgnore(context: string): DockerIgnore {
  const file = join(context, '.dockerignore');
  return existsSync(file) ? parseDockerIgnore(readFileSync(file, 'utf8')) : { ignores: () => false, hasExceptions: false };
}

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The secret values of a workspace's secrets/ directory, by a name that never shows the value: each
 * one-line file's content, and every password or password hash inside the ClickHouse users file.
 * Empty when the directory does not exist yet (a fresh clone before `infra:up`).
 */
export function workspaceSecrets(root: string): Map<string, string> {
  const dir = join(root, 'secrets');
  const values = new Map<string, string>();
  if (!existsSync(dir)) return values;
  for (const file of readdirSync(dir).sort()) {
    const text = readFileSync(join(dir, file), 'utf8');
    if (file.endsWith('.xml')) {
      for (const [i, m] of [...text.matchAll(/<(password(?:_sha256_hex|_double_sha1_hex)?)>([^<]+)<\/\1>/g)].entries()) {
        values.set(`secrets/${file} <${m[1]}> #${i + 1}`, m[2]!.trim());
      }
    } else if (text.trim() !== '' && !text.trim().includes('\n')) {
      values.set(`secrets/${file}`, text.trim());
    }
  }
  return values;
}

/** `password=…`/`secret=…` (also `:` and quoted) with a literal value, not a placeholder or a variable. */
export const CREDENTIAL_ASSIGNMENT = /(?<![A-Za-z])(?:password|passwd|secret)[ \t]*[=:][ \t]*["']?(?![$%{<(\s"'])([^\s"'&,;)}<]{6,})/i;

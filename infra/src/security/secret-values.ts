import { loadStack, readSecretFiles } from '@qraft/config';

/**
 * The secret values of a workspace's secrets/, by a name that never shows the value: each password file's
 * content, and every password or password hash inside the ClickHouse users file. Read with @qraft/config's
 * reader for every secret the stack can have (the registry set has them all). Empty before the first `infra:up`.
 */
export function workspaceSecrets(root: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const [file, text] of readSecretFiles(root, loadStack({ imageSet: 'registry' }))) {
    if (file.endsWith('.xml')) {
      for (const [i, m] of [...text.matchAll(/<(password(?:_sha256_hex|_double_sha1_hex)?)>([^<]+)<\/\1>/g)].entries()) {
        values.set(`${file} <${m[1]}> #${i + 1}`, m[2]!.trim());
      }
    } else if (text.trim() !== '' && !text.trim().includes('\n')) {
      values.set(file, text.trim());
    }
  }
  return values;
}

/** `password=…`/`secret=…` (also `:` and quoted) with a literal value, not a placeholder or a variable. */
export const CREDENTIAL_ASSIGNMENT = /(?<![A-Za-z])(?:password|passwd|secret)[ \t]*[=:][ \t]*["']?(?![$%{<(\s"'])([^\s"'&,;)}<]{6,})/i;

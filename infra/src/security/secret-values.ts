import { IMAGE_SETS, loadStack, readSecretFiles } from '@qraft/config';

/**
 * The secret values of a workspace's secrets/, by a name that never shows the value: each password file's
 * content, every password hash inside the ClickHouse users file and every bcrypt hash of Prometheus' web config.
 * Read with @qraft/config's reader for every secret either image set can have. Empty before the first `infra:up`.
 */
export function workspaceSecrets(root: string): Map<string, string> {
  const values = new Map<string, string>();
  const files = new Map(IMAGE_SETS.flatMap((imageSet) => [...readSecretFiles(root, loadStack({ imageSet }))]));
  for (const [file, text] of files) {
    if (file.endsWith('.xml')) {
      for (const [i, m] of [...text.matchAll(/<(password(?:_sha256_hex|_double_sha1_hex)?)>([^<]+)<\/\1>/g)].entries()) {
        values.set(`${file} <${m[1]}> #${i + 1}`, m[2]!.trim());
      }
    } else if (file.endsWith('.yml')) {
      for (const m of text.matchAll(/^\s+([A-Za-z0-9_.-]+):\s*"?(\$2[aby]\$[^"\s]+)"?\s*$/gm)) values.set(`${file} hash of ${m[1]}`, m[2]!);
    } else if (text.trim() !== '' && !text.trim().includes('\n')) {
      values.set(file, text.trim());
    }
  }
  return values;
}

/** `password=…`/`secret=…` (also `:` and quoted) with a literal value, not a placeholder or a variable. */
export const CREDENTIAL_ASSIGNMENT = /(?<![A-Za-z])(?:password|passwd|secret)[ \t]*[=:][ \t]*["']?(?![$%{<(\s"'])([^\s"'&,;)}<]{6,})/i;

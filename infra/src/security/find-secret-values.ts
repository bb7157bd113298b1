/** Where a secret value appears in a text (a rendered file, a log): the file name and line numbers, never the value. */
export function findSecretValues(text: string, secrets: ReadonlyMap<string, string>): string[] {
  const found: string[] = [];
  for (const [name, value] of secrets) {
    if (value.length < 8) continue;
    const lines = text.split('\n').flatMap((line, i) => (line.includes(value) ? [i + 1] : []));
    if (lines.length > 0) found.push(`${name} on line ${lines.join(', ')}`);
  }
  return found;
}

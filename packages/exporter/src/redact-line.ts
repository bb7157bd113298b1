/** What replaces a credential in a log line. */
export const REDACTED = '[redacted]';

const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@:"]*:[^\s/@"]*@/gi;

/**
 * A log line with URL user info and each known secret value (the ClickHouse password) taken out. The app's pino
 * logger does the same; the exporter image carries only this package, so it keeps its own few lines.
 */
export function redactLine(line: string, secrets: readonly string[]): string {
  let out = line.replace(URL_USERINFO, `$1${REDACTED}@`);
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(JSON.stringify(secret).slice(1, -1)).join(REDACTED);
  }
  return out;
}

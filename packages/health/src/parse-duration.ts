/** "60s", "500ms", "2m", or a bare number of milliseconds → milliseconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  const unit = match[2] ?? 'ms';
  return Math.round(value * (unit === 'm' ? 60_000 : unit === 's' ? 1_000 : 1));
}

import { UsageError } from './usage-error';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000 } as const;

/**
 * "1500ms", "90s" or "2m" → milliseconds. A bare number is refused: it meant milliseconds in one CLI and
 * seconds in another, so the unit is always written. `what` names the source in the error (`--timeout`,
 * `QRAFT_UP_TIMEOUT`).
 */
export function parseDuration(text: string, what: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!match) throw new UsageError(`${what} "${text}" is not a duration — write e.g. 90s, 2m or 1500ms`);
  const unit = match[2] as keyof typeof UNIT_MS | undefined;
  if (unit === undefined) throw new UsageError(`${what} "${text}" has no unit — write ${match[1]}s for seconds or ${match[1]}ms for milliseconds`);
  const ms = Math.round(Number(match[1]) * UNIT_MS[unit]);
  if (ms <= 0) throw new UsageError(`${what} "${text}" must be longer than 0 — write e.g. 90s`);
  return ms;
}

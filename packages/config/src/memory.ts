const UNITS: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** Parses a Compose-style memory size ("512m", "1g", "256k", "1024b") into bytes. */
export function parseMemory(value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([bkmg])b?$/i.exec(value.trim());
  if (!match) {
    throw new Error(`memory "${value}" is not a size — write a number with a unit, e.g. "512m" or "1g"`);
  }
  return Math.round(Number(match[1]) * (UNITS[match[2]!.toLowerCase()] ?? 1));
}

/** True when `value` is a memory size that both docker compose and podman-compose accept. */
export function isMemory(value: string): boolean {
  return /^(\d+(?:\.\d+)?)\s*([bkmg])b?$/i.test(value.trim());
}

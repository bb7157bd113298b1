import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** promtool's path, or why these tests cannot run here (a message naming the cause and the fix). */
export type PromtoolLookup = { readonly path: string; readonly skipReason?: undefined } | { readonly path?: undefined; readonly skipReason: string };

/**
 * promtool comes with Debian's prometheus package, one of the real test servers that jest's globalSetup installs
 * unless `QRAFT_SKIP_REAL_SERVERS=1` skips them on purpose — so the reason names that variable when it is set,
 * and the install otherwise.
 */
export function findPromtool(env: Readonly<Record<string, string | undefined>> = process.env, extraDirs: readonly string[] = ['/usr/bin', '/usr/local/bin']): PromtoolLookup {
  const dirs = [...(env['PATH'] ?? '').split(delimiter).filter((d) => d !== ''), ...extraDirs];
  const path = dirs.map((d) => join(d, 'promtool')).find((p) => existsSync(p));
  if (path) return { path };
  if (env['QRAFT_SKIP_REAL_SERVERS'] === '1') {
    return { skipReason: 'promtool is not installed and QRAFT_SKIP_REAL_SERVERS=1 skips installing the real test servers (Debian\'s prometheus package ships promtool) — unset it to run these tests' };
  }
  return { skipReason: 'promtool is not installed — install Debian\'s prometheus package, which ships it: `sudo bash infra/scripts/engine.sh --servers` (or `apt-get install prometheus`)' };
}

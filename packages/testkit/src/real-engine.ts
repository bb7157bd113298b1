/**
 * For tests that need what any machine here can install (`pnpm nx run infra:engine`: a container engine and its
 * socket, docker compose v2, busybox-static). `missing` says what is absent and how to install it, or is undefined.
 * Something missing fails the test file with that fix; only `QRAFT_SKIP_REAL_SERVERS=1`, the project's one opt-out
 * for tests that need real servers, turns it into a skip, whose reason is returned (undefined: run the tests).
 */
export function realEngineSkipReason(missing: string | undefined, env: Readonly<Record<string, string | undefined>> = process.env): string | undefined {
  if (missing === undefined) return undefined;
  if (env['QRAFT_SKIP_REAL_SERVERS'] === '1') return `${missing}; skipped because QRAFT_SKIP_REAL_SERVERS=1`;
  throw new Error(`the real-engine tests cannot run: ${missing} (or set QRAFT_SKIP_REAL_SERVERS=1 to skip them on purpose)`);
}

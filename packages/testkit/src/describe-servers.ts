import { missingServers, TEST_SERVER_BINARIES, type TestServerBinary } from './server-process';

/** What a suite calls: jest's `describe` or `describe.skip`, typed here so the library builds without jest's types. */
export type SuiteFn = (name: string, fn: () => void) => void;

/** Reasons printed so far: a file with several suites says why once (jest loads this module once per test file). */
const printed = new Set<string>();

/**
 * jest's `describe` when this host has every server in `needs`; otherwise `describe.skip`, after printing
 * `SKIPPED <what>: <each missing server and how to install it>` — a skip jest counts and a person can read.
 * The real servers' globalSetup installs them or fails the run, so this skips only under QRAFT_SKIP_REAL_SERVERS=1.
 * Call it in a jest test file, at module level: `describeServers('app round-trip tests', ['nats-server', 'clickhouse-server'])('…', () => {…})`.
 */
export function describeServers(what: string, needs: readonly TestServerBinary[] = TEST_SERVER_BINARIES): SuiteFn {
  const jest = globalThis as unknown as { describe?: SuiteFn & { skip: SuiteFn } };
  if (!jest.describe) throw new Error('describeServers is for jest test files: there is no global describe here');
  const missing = missingServers(needs);
  if (missing.length === 0) return jest.describe;
  const line = `SKIPPED ${what}: ${missing.join('; ')}`;
  if (!printed.has(line)) console.warn(line);
  printed.add(line);
  return jest.describe.skip;
}

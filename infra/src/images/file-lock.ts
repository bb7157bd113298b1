import { lock } from 'proper-lockfile';
import { retryUntil, RetryTimeoutError } from '@qraft/retry';

/** A holder refreshes the lock's mtime every STALE_MS / 2; one that stopped for STALE_MS (it died) is taken over. */
const STALE_MS = 30_000;

type Attempt = { readonly release: () => Promise<void> } | { readonly fatal: unknown };

/**
 * Runs fn while holding a directory lock, so two processes (a test worker and `nx run
 * infra:offline-images`, say) do not debootstrap, import and re-tag the same images at once. proper-lockfile
 * does the locking: an atomic mkdir, an mtime heartbeat, and a take-over of a stale lock that cannot race
 * (the hand-written pid check removed a lock another process had just taken). Waiting longer than timeoutMs
 * throws, naming the lock.
 */
export async function withFileLock<T>(lockDir: string, fn: () => Promise<T>, timeoutMs = 20 * 60_000, onWait?: () => void): Promise<T> {
  let compromised: Error | undefined;
  const attempt = async (): Promise<Attempt> => {
    try {
      return { release: await lock(lockDir, { lockfilePath: lockDir, realpath: false, stale: STALE_MS, onCompromised: (error) => (compromised = error) }) };
    } catch (error) {
      // Held by someone else: wait and try again. Anything else (no such directory, no permission) ends the wait.
      if ((error as NodeJS.ErrnoException).code === 'ELOCKED') throw error;
      return { fatal: error };
    }
  };
  let announced = false;
  const got = await retryUntil(attempt, () => true, {
    timeoutMs,
    backoff: { initialMs: 250, maxMs: 1_000 },
    what: lockDir,
    onRetry: () => {
      if (!announced) onWait?.();
      announced = true;
    },
  }).catch((error: unknown) => {
    if (!(error instanceof RetryTimeoutError)) throw error;
    throw new Error(`waited ${Math.round(timeoutMs / 1000)} s for ${lockDir} — another image build holds it; remove the directory if no build is running`, { cause: error });
  });
  if ('fatal' in got) throw got.fatal;
  try {
    const result = await fn();
    if (compromised) throw new Error(`the lock ${lockDir} was lost while the build ran (${compromised.message}) — run it again`, { cause: compromised });
    return result;
  } finally {
    await got.release().catch(() => undefined);
  }
}

import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function holderAlive(lockDir: string): boolean {
  try {
    const pid = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
    if (!pid) return true; // being written right now
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs fn while holding a directory lock, so two processes (a test worker and `nx run
 * infra:offline-images`, say) do not debootstrap, import and re-tag the same images at once.
 * A lock whose holder died is taken over; waiting longer than timeoutMs throws, naming the lock.
 */
export async function withFileLock<T>(lockDir: string, fn: () => Promise<T>, timeoutMs = 20 * 60_000, onWait?: () => void): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    try {
      mkdirSync(lockDir, { recursive: false });
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (!holderAlive(lockDir)) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(`waited ${Math.round(timeoutMs / 1000)} s for ${lockDir} — another image build holds it; remove the directory if no build is running`, {
          cause: error,
        });
      }
      if (!announced) {
        announced = true;
        onWait?.();
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

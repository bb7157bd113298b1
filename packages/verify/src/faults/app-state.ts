import type Dockerode from 'dockerode';
import { markContainer, type ContainerMark } from './server-process';

export interface ReadyzState {
  readonly status: number;
  /** `name: error` of every check /readyz reports not up. */
  readonly failing: readonly string[];
}

/** The app's /readyz as a user sees it: the status code and the reasons it gives. */
export async function readReadyz(appUrl: string): Promise<ReadyzState> {
  const response = await fetch(new URL('/readyz', appUrl), { signal: AbortSignal.timeout(15_000) }).catch((error: Error) => {
    throw new Error(`the app's /readyz did not answer within 15 s: ${error.message}`);
  });
  const body = (await response.json().catch(() => ({}))) as { checks?: Array<{ name?: string; ok?: boolean; error?: string }> };
  const failing = (body.checks ?? []).filter((c) => c.ok === false).map((c) => {
    // The app's errors usually start with the check's name already.
    const error = c.error ?? 'not ok';
    return c.name && !error.startsWith(`${c.name}:`) ? `${c.name}: ${error}` : error;
  });
  return { status: response.status, failing };
}

/**
 * The app stays up through a fault of its surroundings: its container is the same run as before (no crash, no
 * restart) and /healthz answers 200. Throws naming what broke.
 */
export async function assertAppStaysUp(docker: Dockerode, containerName: string, appUrl: string, before: ContainerMark): Promise<void> {
  const now = await markContainer(docker, containerName);
  if (!now.running) throw new Error(`${containerName} is not running during the fault`);
  if (now.startedAt !== before.startedAt) throw new Error(`${containerName} restarted during the fault (started ${before.startedAt}, now ${now.startedAt})`);
  const response = await fetch(new URL('/healthz', appUrl), { signal: AbortSignal.timeout(5_000) }).catch((error: Error) => error);
  if (response instanceof Error) throw new Error(`the app's /healthz did not answer during the fault: ${response.message}`);
  if (response.status !== 200) throw new Error(`the app's /healthz answered HTTP ${response.status} during the fault`);
}

import { waitUntilHealthy, type Check, type HealthReport } from '@qraft/health';
import type Dockerode from 'dockerode';
import { pollUntil } from '@qraft/retry';
import { markContainer, type ContainerMark } from './server-process';

/** Resolves once `name` runs again with a start time other than the one in `before`. */
export function waitForRestart(docker: Dockerode, name: string, before: ContainerMark, timeoutMs: number): Promise<ContainerMark> {
  return pollUntil(
    `${name} to be started again after the kill`,
    async () => {
      const now = await markContainer(docker, name);
      return now.running && now.startedAt !== before.startedAt ? now : undefined;
    },
    timeoutMs,
  );
}

export interface Recovered {
  readonly recoveryMs: number;
  readonly report: HealthReport;
}

/** Waits until every readiness check passes and says how long that took since `since` (a performance.now()). */
export async function waitRecovered(checks: readonly Check[], since: number, timeoutMs: number): Promise<Recovered> {
  const report = await waitUntilHealthy(checks, { timeoutMs });
  return { recoveryMs: performance.now() - since, report };
}

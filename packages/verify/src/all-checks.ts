import { communicationChecks } from './communication-checks';
import { frontendIsolation } from './isolation-checks';
import { monitoringChecks } from './monitoring-checks';
import { natsAccessChecks } from './nats-access-checks';
import { persistenceChecks } from './persistence-checks';
import type { StackContext, StackService } from './stack-context';
import { noSecretsInLogsCheck } from './secret-log-checks';
import { startupChecks } from './startup-checks';
import type { VerifyCheck } from './verify-check';
import { dataOwnershipCheck, logsGrowCheck, stdoutLogsCheck } from './volume-checks';

/** Asks the app for something, so that its request log (and ClickHouse's query log) grows. */
async function pokeApp(context: StackContext): Promise<void> {
  if (context.endpoints.app) await fetch(new URL('/events?limit=1', context.endpoints.app)).then((r) => r.arrayBuffer());
}

/**
 * The whole verification in the order that keeps each check's preconditions: start-up, communication, NATS access,
 * monitoring (from inside the stack's networks), isolation, volumes and logs, then persistence last (it restarts and re-creates the stack).
 */
export function allChecks(services: readonly StackService[]): Array<VerifyCheck<StackContext>> {
  const running = services.filter((s) => s.available);
  return [
    ...startupChecks(services),
    ...communicationChecks,
    ...natsAccessChecks,
    ...monitoringChecks,
    frontendIsolation,
    ...running.filter((s) => s.dataDir).map(dataOwnershipCheck),
    ...running.map((s) => (s.logDir ? logsGrowCheck(s, pokeApp) : stdoutLogsCheck(s))),
    noSecretsInLogsCheck(services),
    ...persistenceChecks(),
  ];
}

import { join } from 'node:path';
import { dashboardQueries, endpoints, readSecret, scrapeTargets, SCRAPE_INTERVAL_MS, type StackModel } from '@qraft/config';
import type { StackHandle } from '@qraft/stack';
import type { StackContext, StackControl, StackService } from './stack-context';

/** The services as the checks see them: container, host data directory and owner, host log directory. */
export function stackServices(model: StackModel, workspaceRoot: string): StackService[] {
  return Object.values(model.services).map((s) => ({
    name: s.name,
    containerName: s.containerName,
    available: s.available,
    ...(s.note ? { note: s.note } : {}),
    ...(s.data ? { dataDir: { hostPath: join(workspaceRoot, s.data.host), uid: s.user.uid } } : {}),
    ...(s.logs ? { logDir: join(workspaceRoot, s.logs.host) } : {}),
  }));
}

/** Everything the checks need about a running stack, from @qraft/stack's handle (model, engine, credentials). */
export function contextFromStack(handle: StackHandle, control: StackControl, startedAt: Date = new Date()): StackContext {
  const { model, credentials } = handle;
  return {
    docker: handle.docker,
    engine: handle.runtime.engine.name,
    services: stackServices(model, handle.workspaceRoot),
    endpoints: endpoints(model, 'host'),
    clickhouse: credentials.clickhouse ?? { user: model.clickhouseUsers.app, password: '' },
    ...(credentials.grafana ? { grafana: credentials.grafana } : {}),
    ...(credentials.natsPublisher ? { natsPublisher: credentials.natsPublisher } : {}),
    ...(credentials.natsMonitor ? { natsMonitor: credentials.natsMonitor } : {}),
    ...(credentials.prometheus ? { prometheus: credentials.prometheus } : {}),
    secretValues: new Map(
      model.secrets.filter((s) => s.kind === 'random').flatMap((s) => {
        const value = readSecret(handle.workspaceRoot, s);
        return value === undefined || value.length < 8 ? [] : [[s.file, value] as const];
      }),
    ),
    frontendNetwork: `${model.project}_frontend`,
    probeImage: model.services.app.image.reference,
    control,
    monitoring: {
      imageSet: model.imageSet,
      scrapeJobs: scrapeTargets(model).map((t) => t.job),
      scrapeIntervalMs: SCRAPE_INTERVAL_MS,
      dashboardQueries: dashboardQueries(),
    },
    startedAt,
  };
}

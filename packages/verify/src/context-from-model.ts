import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { dashboardQueries, endpoints, scrapeTargets, SCRAPE_INTERVAL_MS, type StackModel } from '@qraft/config';
import type { StackContext, StackControl, StackService } from './stack-context';

export interface ContextOptions {
  readonly engine: 'docker' | 'podman';
  /** Docker-API socket: Docker's own or Podman's API service. */
  readonly socketPath: string;
  readonly workspaceRoot: string;
  readonly control: StackControl;
  readonly startedAt?: Date;
}

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

function readSecret(model: StackModel, workspaceRoot: string, name: string): string | undefined {
  const secret = model.secrets.find((s) => s.name === name);
  const path = secret ? join(workspaceRoot, secret.file) : undefined;
  return path && existsSync(path) ? readFileSync(path, 'utf8').trim() : undefined;
}

/** Everything the checks need about a running stack, from the model and the generated secrets. */
export function contextFromModel(model: StackModel, options: ContextOptions): StackContext {
  const grafanaPassword = readSecret(model, options.workspaceRoot, 'grafana_admin_password');
  return {
    docker: new Dockerode({ socketPath: options.socketPath }),
    engine: options.engine,
    services: stackServices(model, options.workspaceRoot),
    endpoints: endpoints(model, 'host'),
    clickhouse: { user: model.clickhouseUsers.app, password: readSecret(model, options.workspaceRoot, 'clickhouse_app_password') ?? '' },
    ...(grafanaPassword ? { grafana: { user: 'admin', password: grafanaPassword } } : {}),
    frontendNetwork: `${model.project}_frontend`,
    probeImage: model.services.app.image.reference,
    control: options.control,
    monitoring: {
      imageSet: model.imageSet,
      scrapeJobs: scrapeTargets(model).map((t) => t.job),
      scrapeIntervalMs: SCRAPE_INTERVAL_MS,
      dashboardQueries: dashboardQueries(),
    },
    startedAt: options.startedAt ?? new Date(),
  };
}

import type Dockerode from 'dockerode';
import type { DashboardQuery, Endpoints, NatsAccount } from '@qraft/config';

/** A service of the running stack as the checks see it (built by infra from @qraft/config's model). */
export interface StackService {
  readonly name: string;
  readonly containerName: string;
  /** False when this image set has no image for it; `note` says why (reported as skipped). */
  readonly available: boolean;
  readonly note?: string;
  /** Host bind mount of its data and the uid that must own it. */
  readonly dataDir?: { readonly hostPath: string; readonly uid: number };
  /** Host directory its log files are written to. */
  readonly logDir?: string;
}

/** What infra can do to the stack; persistence checks restart and re-create it. */
export interface StackControl {
  readonly restartAll: () => Promise<void>;
  /** Restarts these services only (compose service names), then waits until the whole stack is ready again. */
  readonly restart: (services: readonly string[]) => Promise<void>;
  /** `down` keeping data, then `up` and wait until healthy again. */
  readonly recreate: () => Promise<void>;
}

/** Host URLs of the published endpoints (@qraft/config's `endpoints(model, 'host')`); absent when not published. */
export type StackEndpoints = Endpoints;

/** What Prometheus is set up to watch in this stack (from @qraft/config's model). */
export interface StackMonitoring {
  readonly imageSet: 'registry' | 'offline';
  /** Scrape job names of prometheus.yml. */
  readonly scrapeJobs: readonly string[];
  readonly scrapeIntervalMs: number;
  readonly dashboardQueries: readonly DashboardQuery[];
}

export interface StackContext {
  readonly docker: Dockerode;
  readonly engine: 'docker' | 'podman';
  readonly services: readonly StackService[];
  readonly endpoints: StackEndpoints;
  readonly clickhouse: { readonly user: string; readonly password: string };
  readonly grafana?: { readonly user: string; readonly password: string };
  /** The NATS identity of clients that only send events; absent before secrets/ exists. */
  readonly natsPublisher?: NatsAccount;
  /** The NATS identity that reads JetStream info only. */
  readonly natsMonitor?: NatsAccount;
  /** The generated passwords by secret file, for the no-secret-in-logs check; never printed. */
  readonly secretValues?: ReadonlyMap<string, string>;
  /** Prometheus' basic-auth login of the stack; absent when secrets/ has none (then its API answers 401). */
  readonly prometheus?: { readonly user: string; readonly password: string };
  /** The compose network a frontend-only container joins for the isolation check. */
  readonly frontendNetwork: string;
  /** An image with node on PATH, for throwaway probe containers (the app image). */
  readonly probeImage: string;
  readonly control: StackControl;
  /** Absent in contexts built without the model; the monitoring checks then skip and say so. */
  readonly monitoring?: StackMonitoring;
  /** When the stack was (last) started; log checks read from here. */
  startedAt: Date;
}

import type Dockerode from 'dockerode';
import { endpoints, type StackModel } from '@qraft/config';
import {
  probeApp,
  probeClickHouse,
  probeContainer,
  probeGrafana,
  probeHttp,
  probeNats,
  probePrometheus,
  type Check,
  type ProbeResult,
} from '@qraft/health';

export interface Credentials {
  readonly clickhouse?: { readonly user: string; readonly password: string };
  readonly grafana?: { readonly user: string; readonly password: string };
}

/** Both must pass: the container runs (via the engine API) and the service answers its own protocol. */
function both(first: () => Promise<ProbeResult>, second: (() => Promise<ProbeResult>) | undefined): () => Promise<ProbeResult> {
  return async () => {
    const a = await first();
    if (!a.ok || !second) return a;
    const b = await second();
    return b.ok ? { ...b, detail: `${b.detail}; ${a.detail}` } : b;
  };
}

/**
 * The readiness gate of `up`: one check per service in the stack. Engine healthchecks are shown but not
 * trusted — Podman without systemd never runs them — so each published service is probed directly from
 * the host; services the variant keeps private are covered by the container state and the app's /readyz.
 */
export function readinessChecks(model: StackModel, docker: Dockerode, credentials: Credentials): Check[] {
  const host = endpoints(model, 'host');
  const checks: Check[] = [];
  for (const service of Object.values(model.services)) {
    if (!service.available) continue;
    const container = () => probeContainer({ docker, name: service.containerName });
    let direct: ((signal: AbortSignal) => Promise<ProbeResult>) | undefined;
    switch (service.name) {
      case 'nats':
        if (host.nats) direct = (signal) => probeNats({ url: host.nats!, stream: undefined, signal });
        break;
      case 'clickhouse':
        if (host.clickhouse) direct = (signal) => probeClickHouse({ url: host.clickhouse!, ...credentials.clickhouse, signal });
        break;
      case 'prometheus':
        // Targets come up one scrape after their services: being ready is enough to gate on.
        if (host.prometheus) direct = (signal) => probeHttp({ url: `${host.prometheus}/-/ready`, signal });
        break;
      case 'grafana':
        if (host.grafana) direct = (signal) => probeHttp({ url: `${host.grafana}/api/health`, signal });
        break;
      case 'nats-exporter':
        if (host.natsExporter) direct = (signal) => probeHttp({ url: `${host.natsExporter}/metrics`, signal });
        break;
      case 'app':
        if (host.app) direct = (signal) => probeApp({ url: host.app!, signal });
        break;
    }
    checks.push({
      name: service.name,
      probe: (signal) => both(() => container(), direct ? () => direct(signal) : undefined)(),
    });
  }
  return checks;
}

/** Probes used by `ps` and the summary table beyond readiness: Prometheus targets, Grafana datasources. */
export function deepChecks(model: StackModel, credentials: Credentials): Check[] {
  const host = endpoints(model, 'host');
  const checks: Check[] = [];
  if (host.prometheus) checks.push({ name: 'prometheus targets', required: false, probe: (signal) => probePrometheus({ url: host.prometheus!, signal }) });
  if (host.grafana && credentials.grafana) {
    checks.push({ name: 'grafana datasources', required: false, probe: (signal) => probeGrafana({ url: host.grafana!, ...credentials.grafana!, signal }) });
  }
  return checks;
}

import type Dockerode from 'dockerode';
import type { ServiceModel, StackCredentials, StackModel } from '@qraft/config';
import { probeApp, probeClickHouse, probeHttp, probeNats, type Check, type ProbeResult } from '@qraft/health';
import { probeContainer } from './container-probe';

type DirectProbe = (signal: AbortSignal) => Promise<ProbeResult>;

/** How long one probe of the app may wait for its start-up to finish: under the gate's 2 s limit of an attempt. */
const APP_READY_WAIT_MS = 1_000;

/** The protocol probe a service declares in the model (`service.readiness`), from the host; undefined when unpublished. */
function directProbe(service: ServiceModel, credentials: StackCredentials): DirectProbe | undefined {
  const { probe, port: portName, path, needs } = service.readiness;
  const port = service.ports.find((p) => p.name === portName);
  if (!port || port.host === undefined) return undefined;
  const base = `${port.scheme}://${port.hostIp}:${port.host}`;
  const secret = needs === 'clickhouse-app' ? credentials.clickhouse : undefined;
  // Prometheus' /-/ready is behind basic auth like the rest of it (web.config.file).
  const login = needs === 'prometheus' ? credentials.prometheus : undefined;
  const headers = login ? { authorization: `Basic ${Buffer.from(`${login.user}:${login.password}`).toString('base64')}` } : undefined;
  switch (probe) {
    case 'nats':
      // As the monitor identity: JetStream info only (the stack's NATS refuses clients without credentials).
      return (signal) => probeNats({ url: base, ...credentials.natsMonitor, signal });
    case 'clickhouse':
      return (signal) => probeClickHouse({ url: base, ...secret, signal });
    case 'http':
      return (signal) => probeHttp({ url: `${base}${path ?? '/'}`, headers, signal });
    case 'app':
      // The app answers once its start-up has finished (or after the wait): the gate learns it at once, not at its
      // next poll, which is a quarter of a second apart by the time the app, the slowest, is ready.
      return (signal) => probeApp({ url: base, waitMs: APP_READY_WAIT_MS, signal });
  }
}

/**
 * The readiness gate — of `up`, `restart`, `ps`, verify, the fault suite and `qraft-health stack` — built from
 * what each service declares in the model: its container runs (engine API) and it answers its own protocol on
 * its published port. Engine healthchecks are shown but not trusted (Podman without systemd never runs them);
 * a port the variant keeps private leaves the container state (and the app's /readyz, which probes the backend).
 */
export function readinessChecks(model: StackModel, docker: Dockerode, credentials: StackCredentials): Check[] {
  return Object.values(model.services)
    .filter((service) => service.available)
    .map((service) => {
      const direct = directProbe(service, credentials);
      return {
        name: service.name,
        probe: async (signal: AbortSignal) => {
          const container = await probeContainer({ docker, name: service.containerName, signal });
          if (!container.ok || !direct) return container;
          const answer = await direct(signal);
          return answer.ok ? { ...answer, detail: `${answer.detail}; ${container.detail}` } : answer;
        },
      };
    });
}

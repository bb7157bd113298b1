import { probeApp, probeClickHouse, probeContainer, probeHttp, probeNats, type Check, type ProbeResult } from '@qraft/health';
import type { StackContext } from '../stack-context';

/**
 * The same gate as `infra up` (infra/src/stack/readiness-checks.ts), built from the verify context because this
 * package does not depend on infra: per available service, the container runs (engine API) and the service
 * answers its own protocol on its published port. Engine healthchecks are not trusted (Podman without systemd
 * never runs them).
 */
export function stackReadinessChecks(stack: StackContext): Check[] {
  const { endpoints, docker } = stack;
  const direct: Record<string, ((signal: AbortSignal) => Promise<ProbeResult>) | undefined> = {
    nats: endpoints.nats ? (signal) => probeNats({ url: endpoints.nats!, signal }) : undefined,
    clickhouse: endpoints.clickhouse ? (signal) => probeClickHouse({ url: endpoints.clickhouse!, ...stack.clickhouse, signal }) : undefined,
    prometheus: endpoints.prometheus ? (signal) => probeHttp({ url: `${endpoints.prometheus}/-/ready`, signal }) : undefined,
    grafana: endpoints.grafana ? (signal) => probeHttp({ url: `${endpoints.grafana}/api/health`, signal }) : undefined,
    app: endpoints.app ? (signal) => probeApp({ url: endpoints.app!, signal }) : undefined,
  };
  return stack.services
    .filter((s) => s.available)
    .map((service) => ({
      name: service.name,
      probe: async (signal: AbortSignal) => {
        const container = await probeContainer({ docker, name: service.containerName, signal });
        const own = direct[service.name];
        if (!container.ok || !own) return container;
        const answer = await own(signal);
        return answer.ok ? { ...answer, detail: `${answer.detail}; ${container.detail}` } : answer;
      },
    }));
}

import type { Check } from './check';
import type { StackEndpoints } from './stack-endpoints';

export interface Credentials {
  readonly user?: string;
  readonly password?: string;
}

export interface StackChecksInput {
  readonly endpoints: StackEndpoints;
  readonly nats?: Credentials & { readonly stream?: string };
  readonly clickhouse?: Credentials & { readonly database?: string; readonly table?: string };
  readonly grafana?: Credentials;
  /** Per-probe limit (default 5_000 ms). */
  readonly timeoutMs?: number;
}

/**
 * One check per service the stack publishes. Grafana is optional (dashboards are not on the data
 * path); everything else is required. Probe modules load on first use, keeping `app`-only runs lean.
 */
export function stackChecks(input: StackChecksInput): Check[] {
  const e = input.endpoints;
  const timeoutMs = input.timeoutMs;
  const checks: Check[] = [];
  if (e.nats) {
    const url = e.nats;
    checks.push({
      name: 'nats',
      probe: async (signal) =>
        (await import('./nats-probe.js')).probeNats({ url, ...input.nats, signal, timeoutMs }),
    });
  }
  if (e.clickhouse) {
    const url = e.clickhouse;
    checks.push({
      name: 'clickhouse',
      probe: async (signal) => (await import('./clickhouse-probe.js')).probeClickHouse({ url, ...input.clickhouse, signal, timeoutMs }),
    });
  }
  if (e.prometheus) {
    const url = e.prometheus;
    checks.push({
      name: 'prometheus',
      probe: async (signal) => (await import('./prometheus-probe.js')).probePrometheus({ url, signal, timeoutMs }),
    });
  }
  if (e.grafana) {
    const url = e.grafana;
    checks.push({
      name: 'grafana',
      required: false,
      probe: async (signal) => (await import('./grafana-probe.js')).probeGrafana({ url, ...input.grafana, signal, timeoutMs }),
    });
  }
  if (e.app) {
    const url = e.app;
    checks.push({ name: 'app', probe: async (signal) => (await import('./app-probe.js')).probeApp({ url, signal, timeoutMs }) });
  }
  return checks;
}

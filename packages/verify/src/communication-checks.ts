import { randomUUID } from 'node:crypto';
import { jetstream } from '@nats-io/jetstream';
import { probeApp, probeGrafana, probePrometheus } from '@qraft/health';
import { queryEventsByType, type StoredEvent } from './app-api';
import { connectAs } from './nats-client';
import { skip } from './outcome';
import { pollUntil } from '@qraft/retry';
import type { StackContext } from './stack-context';
import type { VerifyCheck } from './verify-check';
import { prometheusAuthHeaders } from './prometheus-login';

const EVENTS = 25;

/** Events published straight to NATS come back through the app's API, from ClickHouse, once each and unchanged. */
export const natsToApiRoundTrip: VerifyCheck<StackContext> = {
  group: 'communication',
  name: 'events published to NATS as the publisher come back through the app API from ClickHouse',
  run: async ({ endpoints, natsPublisher }) => {
    if (!endpoints.nats) skip('NATS is not published in this variant (prod keeps the backend private); the app API round trip below covers it');
    if (!endpoints.app) skip('the app API is not published');
    const type = `verify.roundtrip.r${randomUUID().slice(0, 8)}`;
    const sent: StoredEvent[] = Array.from({ length: EVENTS }, (_, i) => ({
      id: randomUUID(),
      type,
      source: 'qraft-verify',
      timestamp: new Date(Date.now() - 1_000 + i).toISOString(),
      payload: { index: i, text: `marker ${i} — ünïcødé` },
    }));
    const nc = await connectAs(endpoints.nats, natsPublisher, 'publisher');
    try {
      const js = jetstream(nc);
      for (const event of sent) await js.publish(`qraft.events.${type}`, JSON.stringify(event), { msgID: event.id });
    } finally {
      await nc.close();
    }
    const stored = await pollUntil(
      `${EVENTS} events of type ${type} to be queryable`,
      async () => {
        const events = await queryEventsByType(endpoints.app!, type);
        return events.length >= EVENTS ? events : undefined;
      },
      60_000,
    );
    if (stored.length !== EVENTS) throw new Error(`${stored.length} events came back for ${EVENTS} sent (duplicates)`);
    for (const event of sent) {
      const back = stored.find((e) => e.id === event.id);
      if (!back) throw new Error(`event ${event.id} is missing`);
      if (JSON.stringify(back.payload) !== JSON.stringify(event.payload) || back.source !== event.source) {
        throw new Error(`event ${event.id} came back changed: ${JSON.stringify(back)}`);
      }
    }
    return `${EVENTS} sent, ${stored.length} stored, contents equal`;
  },
};

export const appReady: VerifyCheck<StackContext> = {
  group: 'communication',
  name: 'the app reaches NATS and ClickHouse (/readyz)',
  run: async ({ endpoints }) => {
    if (!endpoints.app) skip('the app API is not published');
    const result = await probeApp({ url: endpoints.app });
    if (!result.ok) throw new Error(result.error ?? result.detail);
    return result.detail;
  },
};

export const prometheusTargetsUp: VerifyCheck<StackContext> = {
  group: 'communication',
  name: 'Prometheus has every target up, the app included',
  run: async ({ endpoints, prometheus }) => {
    if (!endpoints.prometheus) skip('Prometheus is not published in this variant');
    const detail = await pollUntil(
      'every Prometheus target up',
      async () => {
        const result = await probePrometheus({ url: endpoints.prometheus!, ...prometheus });
        if (!result.ok) throw new Error(result.error ?? result.detail);
        const targets = (await (await fetch(`${endpoints.prometheus}/api/v1/targets?state=active`, { headers: prometheusAuthHeaders(prometheus) })).json()) as {
          data: { activeTargets: Array<{ labels: Record<string, string>; health: string }> };
        };
        const jobs = targets.data.activeTargets.map((t) => t.labels['job'] ?? '?');
        if (!jobs.some((j) => j.includes('app'))) throw new Error(`no app target among jobs ${jobs.join(', ')}`);
        return `${jobs.length} targets up: ${jobs.join(', ')}`;
      },
      90_000,
    );
    return detail;
  },
};

export const grafanaDatasources: VerifyCheck<StackContext> = {
  group: 'communication',
  name: "Grafana's datasources are healthy",
  run: async ({ endpoints, services, grafana }) => {
    const service = services.find((s) => s.name === 'grafana');
    if (!service?.available) skip(`Grafana is not in this stack: ${service?.note ?? 'no image'}`);
    if (!endpoints.grafana || !grafana) skip('Grafana is not published or its admin password is unknown');
    const result = await probeGrafana({ url: endpoints.grafana, ...grafana });
    if (!result.ok) throw new Error(result.error ?? result.detail);
    return result.detail;
  },
};

export const communicationChecks: ReadonlyArray<VerifyCheck<StackContext>> = [appReady, natsToApiRoundTrip, prometheusTargetsUp, grafanaDatasources];

import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { NATS_TOPOLOGY, type NatsAccount } from '@qraft/config';
import { postEvents, queryEventsByType } from './app-api';
import { connectAs } from './nats-client';
import { skip } from './outcome';
import { pollUntil } from '@qraft/retry';
import type { StackContext } from './stack-context';
import type { VerifyCheck } from './verify-check';
import { prometheusAuthHeaders } from './prometheus-login';

interface Markers {
  event?: { id: string; type: string };
  /** An event the publisher stored in the app's stream, at `seq`. */
  jetstream?: { subject: string; seq: number };
  prometheus?: { time: number; series: number };
}

async function withNats<T>(url: string, account: NatsAccount | undefined, identity: 'publisher' | 'monitor', fn: (nc: NatsConnection) => Promise<T>): Promise<T> {
  const nc = await connectAs(url, account, identity);
  try {
    return await fn(nc);
  } finally {
    await nc.close();
  }
}

async function promSeriesAt(prometheusUrl: string, time: number, login: StackContext['prometheus']): Promise<number> {
  const url = `${prometheusUrl}/api/v1/query?query=${encodeURIComponent('up')}&time=${time}`;
  const body = (await (await fetch(url, { signal: AbortSignal.timeout(5_000), headers: prometheusAuthHeaders(login) })).json()) as { data?: { result?: unknown[] } };
  return body.data?.result?.length ?? 0;
}

/** What must still be there; a list of problems, empty when every marker survived. */
async function missingMarkers(context: StackContext, markers: Markers): Promise<string[]> {
  const { endpoints } = context;
  const missing: string[] = [];
  if (markers.event && endpoints.app) {
    const events = await pollUntil('the app to answer queries again', async () => queryEventsByType(endpoints.app!, markers.event!.type), 60_000);
    if (events.length !== 1) missing.push(`ClickHouse: marker event ${markers.event.id} found ${events.length} times (want exactly 1)`);
  }
  if (markers.jetstream && endpoints.nats) {
    // The monitor identity may read stream state but no message: the marker's subject must still count one
    // message, and the stream must still hold its sequence.
    const { subject, seq } = markers.jetstream;
    const state = await withNats(endpoints.nats, context.natsMonitor, 'monitor', async (nc) =>
      (await (await jetstreamManager(nc)).streams.info(NATS_TOPOLOGY.stream, { subjects_filter: subject })).state,
    );
    const count = state.subjects?.[subject] ?? 0;
    if (count !== 1 || seq < state.first_seq || seq > state.last_seq) {
      missing.push(`JetStream: marker on ${subject} (sequence ${seq}) found ${count} times; ${NATS_TOPOLOGY.stream} holds sequences ${state.first_seq}–${state.last_seq}`);
    }
  }
  if (markers.prometheus && endpoints.prometheus) {
    const series = await pollUntil('Prometheus to answer queries again', async () => promSeriesAt(endpoints.prometheus!, markers.prometheus!.time, context.prometheus), 60_000);
    if (series < markers.prometheus.series) missing.push(`Prometheus: ${series} of ${markers.prometheus.series} 'up' series left at the marked time`);
  }
  return missing;
}

/** The compose services that store the written markers. */
function holders(markers: Markers): string[] {
  return [...(markers.jetstream ? ['nats'] : []), ...(markers.event ? ['clickhouse'] : []), ...(markers.prometheus ? ['prometheus'] : [])];
}

/**
 * Writes marker data to ClickHouse (through the app), JetStream and Prometheus, restarts the services holding
 * them (NATS, ClickHouse, Prometheus), then downs and ups the whole stack, and checks after each that every marker is still there, exactly once.
 */
export function persistenceChecks(): Array<VerifyCheck<StackContext>> {
  const markers: Markers = {};
  const skipped: string[] = [];
  const written = () => {
    if (!markers.event && !markers.jetstream && !markers.prometheus) skip('no marker could be written (see the first persistence check)');
  };
  /** Does something to the whole stack, then finds every marker again, exactly once. */
  const survives = (name: string, act: (context: StackContext) => Promise<void>): VerifyCheck<StackContext> => ({
    group: 'persistence',
    name,
    run: async (context) => {
      written();
      await act(context);
      const missing = await missingMarkers(context, markers);
      if (missing.length > 0) throw new Error(missing.join('; '));
      return `${Object.keys(markers).length} markers intact`;
    },
  });
  return [
    {
      group: 'persistence',
      name: 'marker data is written to ClickHouse, JetStream and Prometheus',
      run: async (context) => {
        const { endpoints, services } = context;
        if (endpoints.app) {
          const type = `verify.marker.m${randomUUID().slice(0, 8)}`;
          const [id] = await postEvents(endpoints.app, [{ id: randomUUID(), type, source: 'qraft-verify', payload: { marker: true } }]);
          await pollUntil('the marker event to be stored', async () => ((await queryEventsByType(endpoints.app!, type)).length === 1 ? true : undefined), 60_000);
          markers.event = { id: id!, type };
        } else skipped.push('ClickHouse marker: the app API is not published');
        if (endpoints.nats) {
          // As the publisher, into the app's stream (the publisher may create no stream of its own).
          const type = `verify.jsmarker.j${randomUUID().slice(0, 8)}`;
          const subject = `qraft.events.${type}`;
          const event = { id: randomUUID(), type, source: 'qraft-verify', timestamp: new Date().toISOString(), payload: { marker: 'jetstream' } };
          const ack = await withNats(endpoints.nats, context.natsPublisher, 'publisher', (nc) => jetstream(nc).publish(subject, JSON.stringify(event), { msgID: event.id }));
          markers.jetstream = { subject, seq: ack.seq };
        } else skipped.push('JetStream marker: NATS is not published in this variant');
        if (endpoints.prometheus) {
          const time = Date.now() / 1_000;
          const series = await pollUntil('Prometheus to hold samples of up', async () => ((await promSeriesAt(endpoints.prometheus!, time, context.prometheus)) || undefined), 60_000);
          markers.prometheus = { time, series };
        } else skipped.push('Prometheus marker: Prometheus is not published in this variant');
        if (!services.find((s) => s.name === 'grafana')?.available) skipped.push('Grafana marker: Grafana is not in this stack');
        written();
        const done = Object.keys(markers).join(', ');
        return `markers: ${done}${skipped.length ? `; not covered: ${skipped.join('; ')}` : ''}`;
      },
    },
    // The services that hold a marker are the ones whose data must survive; the app stays up and reconnects to them.
    survives('every marker survives a restart of the services that hold them', (context) => context.control.restart(holders(markers))),
    survives('every marker survives down and up (data kept)', (context) => context.control.recreate()),
  ];
}

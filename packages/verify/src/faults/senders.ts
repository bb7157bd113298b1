import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import type { NatsAccount } from '@qraft/config';
import { connectAs } from '../nats-client';
import type { LoadEvent, SendEvent } from './publish-load';

export interface JetStreamSender {
  readonly send: SendEvent;
  /** The sender's connection (as the publisher). */
  readonly connection: NatsConnection;
  readonly close: () => Promise<void>;
}

/**
 * Publishes straight to JetStream on `qraft.events.<type>` with the event id as `Nats-Msg-Id`, so a retry of
 * an event whose ack was lost is dropped by the stream's duplicate window. The connection reconnects forever:
 * a NATS crash is a pause, not the end of the load. It sends as the stack's publisher, as a real client would.
 */
export async function jetStreamSender(natsUrl: string, publisher: NatsAccount | undefined): Promise<JetStreamSender> {
  const nc: NatsConnection = await connectAs(natsUrl, publisher, 'publisher', { name: 'qraft-faults', maxReconnectAttempts: -1, reconnectTimeWait: 250 });
  const js = jetstream(nc);
  return {
    connection: nc,
    send: async (event: LoadEvent, timeoutMs: number) => {
      await js.publish(`qraft.events.${event.type}`, JSON.stringify(event), { msgID: event.id, timeout: timeoutMs });
    },
    close: () => nc.close(),
  };
}

/** Publishes through the app's `POST /events`; 202 is the acknowledgement (the app has JetStream's PubAck). */
export function httpSender(appUrl: string): SendEvent {
  const url = new URL('/events', appUrl);
  return async (event: LoadEvent, timeoutMs: number) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([event]),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    if (response.status !== 202) throw new Error(`POST /events answered HTTP ${response.status}: ${text.slice(0, 160)}`);
  };
}

import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';

/** One durable consumer's delivery figures at one moment. */
export interface ConsumerDeliveries {
  readonly consumer: string;
  readonly filter: string;
  /** Every delivery so far, redeliveries included: JetStream numbers each one (`delivered.consumer_seq`). */
  readonly deliveries: number;
  /** Messages of the consumer's filter held by the stream. */
  readonly messages: number;
  /** Messages not handed out yet (`num_pending`). */
  readonly pending: number;
  /** Messages handed out and not acknowledged yet (`num_ack_pending`). */
  readonly ackPending: number;
}

/** The delivery figures of every filtered durable consumer of the stream that holds `subject`. */
export interface DeliverySnapshot {
  readonly stream: string;
  readonly consumers: readonly ConsumerDeliveries[];
}

/**
 * Reads the stream that stores `subject` and its durable consumers. A consumer that delivers the whole stream
 * (the app's: deliver all, nothing removed) has handed out `messages − pending` messages at least once, so
 * every delivery beyond that was a redelivery — a count JetStream keeps nowhere else (`num_redelivered` is
 * only the unacknowledged ones of this moment).
 */
export async function deliverySnapshot(nc: NatsConnection, subject: string): Promise<DeliverySnapshot> {
  const jsm = await jetstreamManager(nc, { timeout: 10_000 });
  const stream = await jsm.streams.find(subject);
  const consumers: ConsumerDeliveries[] = [];
  for await (const info of jsm.consumers.list(stream)) {
    const filter = info.config.filter_subject;
    if (!info.config.durable_name || !filter) continue;
    const held = await jsm.streams.info(stream, { subjects_filter: filter });
    const messages = Object.values(held.state.subjects ?? {}).reduce((sum, n) => sum + n, 0);
    consumers.push({ consumer: info.name, filter, deliveries: info.delivered.consumer_seq, messages, pending: info.num_pending, ackPending: info.num_ack_pending });
  }
  consumers.sort((a, b) => a.consumer.localeCompare(b.consumer));
  return { stream, consumers };
}

/** Redeliveries so far of one consumer: deliveries beyond the messages it has handed out at least once. */
export function redeliveriesOf(c: ConsumerDeliveries): number {
  return c.deliveries - (c.messages - c.pending);
}

/**
 * Redeliveries between two snapshots, summed over the consumers present in both. A consumer created in
 * between counts from zero.
 */
export function redeliveriesBetween(before: DeliverySnapshot | undefined, after: DeliverySnapshot): number {
  let total = 0;
  for (const now of after.consumers) {
    const then = before?.consumers.find((c) => c.consumer === now.consumer);
    total += redeliveriesOf(now) - (then ? redeliveriesOf(then) : 0);
  }
  return total;
}

/** True once no consumer has a message left to hand out or to be acknowledged. */
export function drained(snapshot: DeliverySnapshot): boolean {
  return snapshot.consumers.every((c) => c.pending === 0 && c.ackPending === 0);
}

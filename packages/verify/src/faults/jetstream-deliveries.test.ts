import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { describeServers, startNats } from '@qraft/testkit';
import { deliverySnapshot, drained, redeliveriesBetween, redeliveriesOf } from './jetstream-deliveries';

describeServers('JetStream delivery tests', ['nats-server'])('deliverySnapshot against a real nats-server', () => {
  it('counts the messages JetStream delivered again after their ack wait ran out as redeliveries, per consumer and between snapshots', async () => {
    await using nats = await startNats();
    const nc = await connect({ servers: nats.url });
    try {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: 'EVENTS', subjects: ['qraft.events.>', 'qraft.batch.>'], storage: StorageType.File, retention: RetentionPolicy.Limits });
      const consumer = (name: string, filter: string) =>
        jsm.consumers.add('EVENTS', { durable_name: name, filter_subject: filter, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, ack_wait: 500_000_000 });
      await consumer('app', 'qraft.events.>');
      await consumer('app-batch', 'qraft.batch.>');
      const js = jetstream(nc);
      for (let i = 0; i < 5; i++) await js.publish(`qraft.events.t${i % 2}`, `e${i}`);
      await js.publish('qraft.batch.http', '[]');

      const before = await deliverySnapshot(nc, 'qraft.events.t0');
      expect(before.stream).toBe('EVENTS');
      expect(before.consumers.map((c) => [c.consumer, c.messages, c.pending, c.deliveries])).toEqual([
        ['app', 5, 5, 0],
        ['app-batch', 1, 1, 0],
      ]);

      // Five delivered, three acknowledged: the other two come back once the ack wait has passed.
      const events = await js.consumers.get('EVENTS', 'app');
      const first = [];
      for await (const m of await events.fetch({ max_messages: 5, expires: 2_000 })) first.push(m);
      expect(first).toHaveLength(5);
      for (const m of first.slice(0, 3)) await m.ackAck();
      const again = [];
      while (again.length < 2) {
        for await (const m of await events.fetch({ max_messages: 2, expires: 2_000 })) {
          expect(m.info.redelivered).toBe(true);
          again.push(m);
          await m.ackAck();
        }
      }
      const batch = await js.consumers.get('EVENTS', 'app-batch');
      for await (const m of await batch.fetch({ max_messages: 1, expires: 2_000 })) await m.ackAck();

      const after = await deliverySnapshot(nc, 'qraft.events.t0');
      const app = after.consumers.find((c) => c.consumer === 'app')!;
      expect(app).toMatchObject({ deliveries: 7, messages: 5, pending: 0, ackPending: 0 });
      expect(redeliveriesOf(app)).toBe(2);
      expect(redeliveriesOf(after.consumers.find((c) => c.consumer === 'app-batch')!)).toBe(0);
      expect(drained(after)).toBe(true);
      expect(drained(before)).toBe(false);
      expect(redeliveriesBetween(before, after)).toBe(2);
      expect(redeliveriesBetween(after, after)).toBe(0);
    } finally {
      await nc.close();
    }
  });
});

import { jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { describeServers, startNats } from '@qraft/testkit';
import { JetStreamPublisher, PublishError } from '../src/jetstream-publisher';
import { natsClient } from './harness';

describeServers('JetStream publisher tests', ['nats-server'])('JetStreamPublisher against a real nats-server', () => {
  it('resolves only on JetStream acks, in order, with duplicates flagged and every message stored once', async () => {
    await using nats = await startNats();
    await using nc = await natsClient(nats.url);
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'PUB', subjects: ['pub.>'], storage: StorageType.File, retention: RetentionPolicy.Limits, duplicate_window: 60_000_000_000 });
    // A window much smaller than the batch, so the publisher has to wait for acks to go on.
    const publisher = new JetStreamPublisher(nc, { window: 16, timeoutMs: 10_000 });
    const items = Array.from({ length: 500 }, (_, i) => ({ subject: `pub.${i % 3}`, data: `{"n":${i}}`, msgId: `id-${i}` }));

    const acks = await publisher.publishAll(items);
    expect(acks.map((a) => a.seq)).toEqual(items.map((_, i) => i + 1));
    expect(acks.every((a) => a.stream === 'PUB' && !a.duplicate)).toBe(true);
    expect(publisher.inFlight).toBe(0);

    // The same ids again (a client retry): acknowledged as duplicates, nothing stored twice.
    const again = await publisher.publishAll(items.slice(0, 50));
    expect(again.every((a) => a.duplicate)).toBe(true);
    const single = await publisher.publish({ subject: 'pub.x', data: 'one more', msgId: 'id-new' });
    expect(single).toEqual({ stream: 'PUB', seq: 501, duplicate: false });
    expect((await jsm.streams.info('PUB')).state.messages).toBe(501);
  });

  it('rejects when no stream stores the subject, when JetStream refuses, and when the connection closes', async () => {
    await using nats = await startNats();
    await using nc = await natsClient(nats.url);
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'SMALL', subjects: ['small.>'], storage: StorageType.File, retention: RetentionPolicy.Limits, max_msg_size: 16 });
    const publisher = new JetStreamPublisher(nc, { window: 8, timeoutMs: 10_000 });

    await expect(publisher.publish({ subject: 'nowhere.at.all', data: 'x' })).rejects.toThrow(/no JetStream stream/);
    await expect(publisher.publish({ subject: 'small.a', data: 'far more than sixteen bytes' })).rejects.toThrow(PublishError);
    // One refused message fails the whole batch; the others may be stored (a retry dedupes them by id).
    await expect(publisher.publishAll([{ subject: 'small.a', data: 'ok', msgId: 'a' }, { subject: 'small.b', data: 'x'.repeat(64), msgId: 'b' }])).rejects.toThrow(/refused/);
    expect(publisher.inFlight).toBe(0);

    // Someone listens but never answers (not JetStream): the publish times out instead of hanging.
    nc.subscribe('silent.>', { callback: () => undefined });
    const impatient = new JetStreamPublisher(nc, { window: 8, timeoutMs: 200 });
    await expect(impatient.publish({ subject: 'silent.a', data: 'x' })).rejects.toThrow(/did not acknowledge/);
    expect(impatient.inFlight).toBe(0);

    await nc.close();
    await expect(publisher.publish({ subject: 'small.a', data: 'late' })).rejects.toThrow(/closed/);
  });
});

import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { describeServers, startClickHouse, startNats, waitFor } from '@qraft/testkit';
import { consumerInfo, makeEvents, natsClient, runApp, testEnv } from './harness';


describeServers('decode worker tests', ['nats-server', 'clickhouse-server'])('envelopes decoded on worker threads (QRAFT_DECODE_WORKERS)', () => {
  it.each(['0', '2'])(
    'with QRAFT_DECODE_WORKERS=%s stores a backlog of envelopes once each, dead-letters each invalid event once, and acks everything',
    async (workers) => {
      await using nats = await startNats();
      await using ch = await startClickHouse();
      await using nc = await natsClient(nats.url);
      const env = testEnv(nats, ch, { QRAFT_DECODE_WORKERS: workers, QRAFT_BATCH_MAX_SIZE: '200', QRAFT_BATCH_BACKLOG_MAX_SIZE: '1000' });
      // The stream and consumers exist before the backlog is published: start the app once, stop it.
      await (await runApp(env))[Symbol.asyncDispose]();
      const js = jetstream(nc);
      // 40 envelopes of 50 events; in every fifth envelope, event 7 is invalid (no source).
      const envelopes = Array.from({ length: 40 }, (_, i) => makeEvents(50, `w${workers}-${i}`).map((e, j) => (i % 5 === 0 && j === 7 ? { ...e, source: '' } : e)));
      await Promise.all(envelopes.map((events, i) => js.publish('qraft.batch.test', JSON.stringify(events), { msgID: `w${workers}-${i}` })));

      await using running = await runApp(env);
      await waitFor('1992 events stored', async () => (await running.app.store.countEvents()) === 1_992, 60_000);
      await waitFor('every envelope acknowledged', async () => {
        const info = await consumerInfo(nc, 'QRAFT_EVENTS', 'qraft-app-batch');
        return info.num_ack_pending === 0 && info.num_pending === 0;
      });
      const all = await running.app.store.client.query({ query: 'SELECT count() AS n, uniqExact(id) AS u FROM qraft.events', format: 'JSONEachRow' });
      expect((await all.json<{ n: string; u: string }>())[0]).toEqual({ n: '1992', u: '1992' });
      const jsm = await jetstreamManager(nc);
      expect((await jsm.streams.info('QRAFT_DEADLETTER')).state.messages).toBe(8);
      const first = (await jsm.streams.getMessage('QRAFT_DEADLETTER', { seq: 1 }))!;
      expect(first.header.get('Qraft-Envelope-Index')).toBe('7');
      expect(JSON.parse(first.string())).toMatchObject({ id: expect.stringMatching(/^w\d-\d+-7$/), source: '' });
    },
    120_000,
  );
});

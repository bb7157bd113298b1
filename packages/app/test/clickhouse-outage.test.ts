import { jetstream } from '@nats-io/jetstream';
import { describeServers, startClickHouse, startNats, waitFor } from '@qraft/testkit';
import { consumerInfo, getJson, makeEvents, natsClient, postJson, runApp, testEnv } from './harness';

describeServers('ClickHouse outage test', ['nats-server', 'clickhouse-server'])('ClickHouse outage', () => {
  it('loses nothing and duplicates nothing when ClickHouse stops and comes back mid-stream (single events and envelopes)', async () => {
    await using nats = await startNats();
    await using ch = await startClickHouse();
    await using running = await runApp(testEnv(nats, ch, { QRAFT_BATCH_MAX_SIZE: '20' }));
    await using nc = await natsClient(nats.url);
    const js = jetstream(nc);
    // An array POST is one envelope (qraft.batch.http); singles go to qraft.events.<type>.
    const before = makeEvents(100, 'before');
    const during = makeEvents(100, 'during');
    const singles = makeEvents(30, 'single');
    // Envelopes straight to NATS, sized around the batch of 20: never split, so a batch may hold one larger than 20.
    const envelopes = [makeEvents(15, 'env-a'), makeEvents(15, 'env-b'), makeEvents(45, 'env-c'), makeEvents(1, 'env-d'), makeEvents(19, 'env-e')];
    const ids = [before, during, singles, ...envelopes].flat().map((e) => String(e['id']));

    expect((await postJson(`${running.url}/events`, before)).status).toBe(202);
    await waitFor('first 100 stored', async () => (await running.app.store.countEvents()) === 100);

    await ch.stop();
    expect((await postJson(`${running.url}/events`, during)).status).toBe(202);
    for (const [i, envelope] of envelopes.entries()) await js.publish('qraft.batch.outage', JSON.stringify(envelope), { msgID: `outage-${i}` });
    for (const e of singles) await js.publish('qraft.events.order.created', JSON.stringify(e), { msgID: String(e['id']) });
    // The app noticed: an insert failed, the batch is held unacknowledged, readiness says why.
    await waitFor('insert failure reported', async () => /qraft_batch_insert_failures_total [1-9]/.test(await (await fetch(`${running.url}/metrics`)).text()));
    const ready = await getJson(`${running.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(JSON.stringify(ready.json)).toContain('ClickHouse insert failing');
    await waitFor('envelopes and single events held unacknowledged', async () => {
      const [envelopeConsumer, eventConsumer] = await Promise.all([consumerInfo(nc, 'QRAFT_EVENTS', 'qraft-app-batch'), consumerInfo(nc)]);
      return envelopeConsumer.num_ack_pending > 0 && eventConsumer.num_ack_pending + eventConsumer.num_pending > 0;
    });

    await ch.start(60_000);
    await waitFor(`all ${ids.length} stored after ClickHouse returned`, async () => (await running.app.store.countEvents().catch(() => -1)) === ids.length, 60_000);
    await waitFor('everything acknowledged', async () => {
      const infos = await Promise.all([consumerInfo(nc), consumerInfo(nc, 'QRAFT_EVENTS', 'qraft-app-batch')]);
      return infos.every((info) => info.num_ack_pending === 0 && info.num_pending === 0);
    });
    const rows = await running.app.store.client.query({ query: 'SELECT id FROM qraft.events FINAL', format: 'JSONEachRow' });
    expect((await rows.json<{ id: string }>()).map((r) => r.id).sort()).toEqual([...ids].sort());
    await waitFor('ready again', async () => (await getJson(`${running.url}/readyz`)).status === 200);
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(Number(/qraft_envelopes_ingested_total (\d+)/.exec(metrics)?.[1])).toBeGreaterThanOrEqual(2 + envelopes.length);
  }, 120_000);
});

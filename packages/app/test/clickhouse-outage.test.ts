import { missingServers, startClickHouse, startNats, waitFor } from '@qraft/testkit';
import { consumerInfo, getJson, makeEvents, natsClient, postJson, runApp, testEnv } from './harness';

const missing = missingServers().filter((m) => !m.startsWith('prometheus'));
const describeServers = missing.length === 0 ? describe : describe.skip;
if (missing.length > 0) console.warn(`SKIPPED ClickHouse outage test: ${missing.join('; ')}`);

describeServers('ClickHouse outage', () => {
  it('loses nothing and duplicates nothing when ClickHouse stops and comes back mid-stream', async () => {
    await using nats = await startNats();
    await using ch = await startClickHouse();
    await using running = await runApp(testEnv(nats, ch, { QRAFT_BATCH_MAX_SIZE: '20' }));
    await using nc = await natsClient(nats.url);
    const before = makeEvents(100, 'before');
    const during = makeEvents(100, 'during');
    const ids = [...before, ...during].map((e) => String(e['id']));

    expect((await postJson(`${running.url}/events`, before)).status).toBe(202);
    await waitFor('first 100 stored', async () => (await running.app.store.countEvents()) === 100);

    await ch.stop();
    expect((await postJson(`${running.url}/events`, during)).status).toBe(202);
    // The app noticed: an insert failed, the batch is held unacknowledged, readiness says why.
    await waitFor('insert failure reported', async () => /qraft_batch_insert_failures_total [1-9]/.test(await (await fetch(`${running.url}/metrics`)).text()));
    const ready = await getJson(`${running.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(JSON.stringify(ready.json)).toContain('ClickHouse insert failing');
    expect((await consumerInfo(nc)).num_ack_pending).toBeGreaterThan(0);

    await ch.start(60_000);
    await waitFor('all 200 stored after ClickHouse returned', async () => (await running.app.store.countEvents().catch(() => -1)) === 200, 60_000);
    await waitFor('everything acknowledged', async () => {
      const info = await consumerInfo(nc);
      return info.num_ack_pending === 0 && info.num_pending === 0;
    });
    const rows = await running.app.store.client.query({ query: 'SELECT id FROM qraft.events FINAL', format: 'JSONEachRow' });
    expect((await rows.json<{ id: string }>()).map((r) => r.id).sort()).toEqual([...ids].sort());
    await waitFor('ready again', async () => (await getJson(`${running.url}/readyz`)).status === 200);
  }, 120_000);
});

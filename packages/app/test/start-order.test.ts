import { ClickHouseTestServer, describeServers, NatsTestServer, waitFor } from '@qraft/testkit';
import { getJson, makeEvents, postJson, runApp, testEnv } from './harness';

describeServers('app start-order tests', ['nats-server', 'clickhouse-server'])('app start order', () => {
  it('starts before NATS and ClickHouse, says why it is not ready, and becomes ready once they are up', async () => {
    // Created (ports and config chosen) but not started yet.
    await using nats = await NatsTestServer.create();
    await using ch = await ClickHouseTestServer.create();
    await using running = await runApp(testEnv(nats, ch), { waitReady: false });

    const health = await getJson(`${running.url}/healthz`);
    expect(health).toEqual({ status: 200, json: { status: 'ok' } });
    const notReady = await getJson(`${running.url}/readyz`);
    expect(notReady.status).toBe(503);
    const errors = (notReady.json['checks'] as Array<{ name: string; ok: boolean; error?: string }>).filter((c) => !c.ok).map((c) => c.name);
    expect(errors).toEqual(expect.arrayContaining(['nats', 'clickhouse', 'ingest']));
    expect((await postJson(`${running.url}/events`, makeEvents(1, 'early'))).json).toMatchObject({ error: 'nats_unavailable' });

    await ch.start(60_000);
    await nats.start();
    await waitFor('app ready after its dependencies came up', async () => (await getJson(`${running.url}/readyz`)).status === 200, 60_000);

    const events = makeEvents(3, 'late');
    expect((await postJson(`${running.url}/events`, events)).status).toBe(202);
    await waitFor('late events stored', async () => (await running.app.store.countEvents(events.map((e) => String(e['id'])))) === 3);
  });
});

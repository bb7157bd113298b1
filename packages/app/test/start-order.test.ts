import { ClickHouseTestServer, describeServers, NatsTestServer, waitFor } from '@qraft/testkit';
import { getJson, makeEvents, postJson, runApp, testEnv } from './harness';
import { silentListener } from './silent-listener';

const failing = (checks: unknown, name: string) => (checks as Array<{ name: string; ok: boolean; error?: string }>).find((c) => c.name === name && !c.ok)?.error ?? '';

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

  it('gives up an attempt that NATS or ClickHouse accepts but never answers, says so in /readyz, and tries again', async () => {
    await using nats = await NatsTestServer.create();
    await using ch = await ClickHouseTestServer.create();
    const natsPort = Number(new URL(nats.url).port);
    const chPort = Number(new URL(ch.url).port);
    const silentNats = await silentListener(natsPort);
    const silentClickHouse = await silentListener(chPort);
    await using running = await runApp(testEnv(nats, ch), { waitReady: false });

    // Each attempt has a short limit while the app starts (a second or two was the price of one lost SYN), so it gives
    // up on the silent servers and connects again, several times, and /readyz says what the last attempt met.
    await waitFor('two attempts each given up', async () => silentNats.accepted() >= 2 && silentClickHouse.accepted() >= 2, 20_000);
    const readyz = await getJson(`${running.url}/readyz`);
    expect(readyz.status).toBe(503);
    expect(failing(readyz.json['checks'], 'nats-topology')).toMatch(/not connected to NATS .*not reachable yet: .*timeout/i);
    expect(failing(readyz.json['checks'], 'schema')).toMatch(/not reachable or not migrated yet: .*abort/i);

    await silentNats[Symbol.asyncDispose]();
    await silentClickHouse[Symbol.asyncDispose]();
    await ch.start(60_000);
    await nats.start();
    await waitFor('app ready once the servers answer', async () => (await getJson(`${running.url}/readyz`)).status === 200, 60_000);
  });

  it('answers /readyz?wait_ms= sent while it starts once it is ready (one request, no polling), or after the wait with the reasons', async () => {
    await using nats = await NatsTestServer.create();
    await using ch = await ClickHouseTestServer.create();
    await using running = await runApp(testEnv(nats, ch), { waitReady: false });

    // Nothing to connect to: the wait passes and the answer is the ordinary not-ready report.
    const early = await getJson(`${running.url}/readyz?wait_ms=300`);
    expect(early.status).toBe(503);
    expect(failing(early.json['checks'], 'ingest')).toMatch(/not started/);

    // Sent before the servers start: the same request is answered 200, once the app is ready.
    const waiting = getJson(`${running.url}/readyz?wait_ms=10000`);
    await ch.start(60_000);
    await nats.start();
    const answered = await waiting;
    expect(answered.status).toBe(200);
    expect(answered.json['status']).toBe('up');
  });

  it.each(['abc', '-1', '10001', '1.5'])('refuses /readyz?wait_ms=%s with the range to use', async (value) => {
    await using nats = await NatsTestServer.create();
    await using ch = await ClickHouseTestServer.create();
    await using running = await runApp(testEnv(nats, ch), { waitReady: false });
    const refused = await getJson(`${running.url}/readyz?wait_ms=${value}`);
    expect(refused).toEqual({ status: 400, json: { error: 'invalid_query', message: `wait_ms=${value} is not a wait; use whole milliseconds from 0 to 10000` } });
  });
});

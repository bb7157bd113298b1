import { jetstream } from '@nats-io/jetstream';
import { describeServers, startClickHouse, startNats, waitFor } from '@qraft/testkit';
import { setTimeout as sleep } from 'node:timers/promises';
import { consumerInfo, makeEvents, natsClient, runApp, testEnv } from './harness';

/** One sample of a Prometheus text exposition, e.g. `qraft_batch_size_bucket{le="100"}`. */
function sample(metrics: string, name: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? Number.NaN : Number(line.slice(name.length + 1));
}

async function metricsOf(url: string): Promise<string> {
  return (await fetch(`${url}/metrics`)).text();
}

describeServers('adaptive batch tests', ['nats-server', 'clickhouse-server'])('adaptive batches', () => {
  it('grows inserts past QRAFT_BATCH_MAX_SIZE under a backlog, never past QRAFT_BATCH_BACKLOG_MAX_SIZE, and stores every event once', async () => {
    await using nats = await startNats();
    await using ch = await startClickHouse();
    await using nc = await natsClient(nats.url);
    const env = testEnv(nats, ch, { QRAFT_BATCH_MAX_SIZE: '100', QRAFT_BATCH_BACKLOG_MAX_SIZE: '500' });
    // The stream and consumers exist before the backlog is published: start the app once, stop it.
    await (await runApp(env))[Symbol.asyncDispose]();
    const js = jetstream(nc);
    const envelopes = Array.from({ length: 40 }, (_, i) => makeEvents(100, `backlog-${i}`));
    await Promise.all(envelopes.map((events, i) => js.publish('qraft.batch.test', JSON.stringify(events), { msgID: `backlog-${i}` })));

    await using running = await runApp(env);
    await waitFor('4000 events stored', async () => (await running.app.store.countEvents()) === 4_000, 60_000);
    await waitFor('everything acknowledged', async () => (await consumerInfo(nc, 'QRAFT_EVENTS', 'qraft-app-batch')).num_ack_pending === 0);
    const metrics = await metricsOf(running.url);
    const inserts = sample(metrics, 'qraft_batch_size_count');
    expect(sample(metrics, 'qraft_batch_size_sum')).toBe(4_000);
    // Some insert held more than one prompt batch of 100; none more than the backlog limit of 500.
    expect(sample(metrics, 'qraft_batch_size_bucket{le="100"}')).toBeLessThan(inserts);
    expect(sample(metrics, 'qraft_batch_size_bucket{le="500"}')).toBe(inserts);
    expect(['backlog', 'tail', 'limit'].reduce((n, trigger) => n + sample(metrics, `qraft_batch_flushes_total{trigger="${trigger}"}`), 0)).toBeGreaterThan(0);
    // Every insert is counted under one trigger; the end of the backlog (tail) is part of the same count.
    expect(['size', 'wait', 'backlog', 'tail', 'limit', 'stop'].reduce((n, trigger) => n + sample(metrics, `qraft_batch_flushes_total{trigger="${trigger}"}`), 0)).toBe(inserts);
    const all = await running.app.store.client.query({ query: 'SELECT count() AS n, uniqExact(id) AS u FROM qraft.events', format: 'JSONEachRow' });
    expect((await all.json<{ n: string; u: string }>())[0]).toEqual({ n: '4000', u: '4000' });
  }, 120_000);

  it('keeps a batch within QRAFT_BATCH_MAX_BYTES of messages, inserting them in several batches', async () => {
    await using nats = await startNats();
    await using ch = await startClickHouse();
    await using nc = await natsClient(nats.url);
    const env = testEnv(nats, ch, { QRAFT_BATCH_MAX_SIZE: '5000', QRAFT_BATCH_BACKLOG_MAX_SIZE: '100000', QRAFT_BATCH_MAX_BYTES: '65536' });
    await (await runApp(env))[Symbol.asyncDispose]();
    const js = jetstream(nc);
    // 20 envelopes of ~16 KiB: 320 KiB in all, at most four envelopes per batch.
    const envelopes = Array.from({ length: 20 }, (_, i) => makeEvents(100, `bytes-${i}`).map((e) => ({ ...e, payload: { pad: 'x'.repeat(60) } })));
    await Promise.all(envelopes.map((events, i) => js.publish('qraft.batch.test', JSON.stringify(events), { msgID: `bytes-${i}` })));

    await using running = await runApp(env);
    await waitFor('2000 events stored', async () => (await running.app.store.countEvents()) === 2_000, 60_000);
    const metrics = await metricsOf(running.url);
    const inserts = sample(metrics, 'qraft_batch_bytes_count');
    expect(inserts).toBeGreaterThanOrEqual(5);
    expect(sample(metrics, 'qraft_batch_bytes_bucket{le="65536"}')).toBe(inserts);
    expect(sample(metrics, 'qraft_batch_flushes_total{trigger="limit"}')).toBeGreaterThan(0);
  }, 120_000);

  it('at a light rate waits QRAFT_BATCH_MAX_WAIT_MS for more events instead of inserting each one alone', async () => {
    await using nats = await startNats();
    await using ch = await startClickHouse();
    await using running = await runApp(testEnv(nats, ch, { QRAFT_BATCH_MAX_SIZE: '100', QRAFT_BATCH_MAX_WAIT_MS: '300' }));
    await using nc = await natsClient(nats.url);
    const js = jetstream(nc);
    const events = makeEvents(20, 'light');
    for (const e of events) {
      await js.publish('qraft.events.order.created', JSON.stringify(e), { msgID: String(e['id']) });
      await sleep(20);
    }
    await waitFor('20 events stored', async () => (await running.app.store.countEvents()) === 20, 30_000);
    const metrics = await metricsOf(running.url);
    expect(sample(metrics, 'qraft_batch_size_count')).toBeLessThan(20);
    for (const trigger of ['size', 'backlog', 'tail', 'limit']) expect(sample(metrics, `qraft_batch_flushes_total{trigger="${trigger}"}`)).toBe(0);
    expect(sample(metrics, 'qraft_batch_flushes_total{trigger="wait"}')).toBe(sample(metrics, 'qraft_batch_size_count'));
  }, 60_000);
});

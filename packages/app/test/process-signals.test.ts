import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { describeServers, freePort, startClickHouse, startNats, waitFor } from '@qraft/testkit';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { createClickHouseClient, EventStore } from '../src/event-store';
import { consumerInfo, getJson, makeEvents, natsClient, spawnApp, testEnv, waitReady } from './harness';
import { silentListener } from './silent-listener';

async function publishAll(js: ReturnType<typeof jetstream>, events: Array<Record<string, unknown>>): Promise<void> {
  await Promise.all(events.map((e) => js.publish(`qraft.events.${String(e['type'])}`, JSON.stringify(e), { msgID: String(e['id']) })));
}

/** One batch envelope of these events (or of any JSON values) on qraft.batch.signals. */
async function publishEnvelope(js: ReturnType<typeof jetstream>, items: unknown[], msgID: string): Promise<void> {
  await js.publish('qraft.batch.signals', JSON.stringify(items), { msgID });
}

/** The default stop grace period of Docker and Podman: after it a stopped container is killed. */
const ENGINE_STOP_GRACE_MS = 10_000;

const envelopeConsumer = (nc: Parameters<typeof consumerInfo>[0]) => consumerInfo(nc, 'QRAFT_EVENTS', 'qraft-app-batch');

describeServers('app process tests', ['nats-server', 'clickhouse-server'])('the app as a process', () => {
  it('on SIGTERM mid-batch (single events and envelopes) flushes, acknowledges and exits 0, losing nothing; it logs JSON to stdout and its log file', async () => {
    await using nats = await startNats();
    await using ch = await startClickHouse();
    await using nc = await natsClient(nats.url);
    const store = new EventStore(createClickHouseClient(ch), 'qraft');
    const logDir = mkdtempSync(join(tmpdir(), 'qraft-app-logs-'));
    try {
      // A batch that neither fills nor times out on its own: only the shutdown flushes it.
      const env = testEnv(nats, ch, { QRAFT_BATCH_MAX_SIZE: '1000', QRAFT_BATCH_MAX_WAIT_MS: '60000', QRAFT_ACK_WAIT_MS: '120000', QRAFT_LOG_DIR: logDir });
      await using app = spawnApp(env, await freePort());
      await waitReady(app);

      const events = makeEvents(300, 'term');
      const enveloped = makeEvents(250, 'term-env');
      await publishAll(jetstream(nc), events);
      await publishEnvelope(jetstream(nc), enveloped.slice(0, 100), 'term-env-0');
      await publishEnvelope(jetstream(nc), enveloped.slice(100), 'term-env-1');
      await waitFor('300 events and 2 envelopes held by the app, unacknowledged', async () => (await consumerInfo(nc)).num_ack_pending === 300 && (await envelopeConsumer(nc)).num_ack_pending === 2);
      expect(await store.countEvents()).toBe(0);

      app.child.kill('SIGTERM');
      expect(await app.exited).toBe(0);
      expect(await store.countEvents()).toBe(550);
      for (const info of [await consumerInfo(nc), await envelopeConsumer(nc)]) expect([info.num_ack_pending, info.num_pending]).toEqual([0, 0]);

      const fileLines = readFileSync(join(logDir, 'app.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { msg: string; service: string });
      expect(fileLines.map((l) => l.msg)).toEqual(expect.arrayContaining(['signal received; draining', 'stopped']));
      expect(fileLines.every((l) => l.service === 'qraft-app')).toBe(true);
      expect(app.output()).toContain('"msg":"stopped"');
    } finally {
      await store.client.close();
      rmSync(logDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('on SIGTERM while NATS does not answer, stores what it holds and exits 0 well within the engines\' stop grace period', async () => {
    await using nats = await startNats();
    await using ch = await startClickHouse();
    const store = new EventStore(createClickHouseClient(ch), 'qraft');
    try {
      // The shutdown timeout is far beyond the engines' grace: only waits that end at SIGTERM can meet it.
      await using app = spawnApp(testEnv(nats, ch, { QRAFT_BATCH_MAX_SIZE: '1000', QRAFT_BATCH_MAX_WAIT_MS: '60000', QRAFT_ACK_WAIT_MS: '120000', QRAFT_SHUTDOWN_TIMEOUT_MS: '120000' }), await freePort());
      await waitReady(app);
      {
        await using nc = await natsClient(nats.url);
        await publishAll(jetstream(nc), makeEvents(100, 'away'));
        await waitFor('100 events held by the app, unacknowledged', async () => (await consumerInfo(nc)).num_ack_pending === 100);
      }
      // As when NATS's container stops: its address takes connections (here) or drops them, and never answers.
      await nats.stop();
      await using silent = await silentListener(nats.port);
      await waitFor('the app reconnecting to a NATS that does not answer', async () => app.output().includes('NATS disconnected') && silent.accepted() > 0);

      app.child.kill('SIGTERM');
      const exited = await Promise.race([app.exited, sleep(ENGINE_STOP_GRACE_MS / 2, 'still running', { ref: false })]);
      expect(exited).toBe(0);
      // Its batch went to ClickHouse; the acks could not reach NATS, so a next instance gets the events again (and
      // ClickHouse drops the copies).
      expect(await store.countEvents()).toBe(100);
    } finally {
      await store.client.close();
    }
  }, 120_000);

  it('after SIGKILL mid-batch the events and envelopes are redelivered to the next instance and none is visible twice', async () => {
    await using nats = await startNats();
    await using ch = await startClickHouse();
    await using nc = await natsClient(nats.url);
    const store = new EventStore(createClickHouseClient(ch), 'qraft');
    try {
      const js = jetstream(nc);
      const first = makeEvents(200, 'kill-a');
      const firstEnvelope = makeEvents(50, 'kill-env-a');
      const held = makeEvents(30, 'kill-b');
      const heldEnvelope = makeEvents(15, 'kill-env-b');
      const dlq = await jetstreamManager(nc);
      {
        // Batches of 50 flush at once; the last 30 events and a 15-event envelope wait (for a minute) in the app when it is killed.
        await using app = spawnApp(testEnv(nats, ch, { QRAFT_BATCH_MAX_SIZE: '50', QRAFT_BATCH_MAX_WAIT_MS: '60000', QRAFT_ACK_WAIT_MS: '61000' }), await freePort());
        await waitReady(app);
        await publishAll(js, first);
        await waitFor('first 200 stored', async () => (await store.countEvents()) === 200);
        await publishEnvelope(js, firstEnvelope, 'kill-env-a');
        await waitFor('first envelope stored and acknowledged', async () => (await store.countEvents()) === 250 && (await envelopeConsumer(nc)).num_ack_pending === 0);
        await publishAll(js, held);
        // The held envelope also holds an invalid event: dead-lettered at once, before its valid ones are inserted.
        await publishEnvelope(js, [...heldEnvelope.slice(0, 5), { id: 'kill-invalid' }, ...heldEnvelope.slice(5)], 'kill-env-b');
        await waitFor('30 events and the envelope held unacknowledged, its invalid event dead-lettered', async () =>
          (await consumerInfo(nc)).num_ack_pending === 30 && (await envelopeConsumer(nc)).num_ack_pending === 1 && (await dlq.streams.info('QRAFT_DEADLETTER')).state.messages === 1);
        // As if the app died after its insert and before its acks: ten of the held events and five of the envelope's are already stored.
        await store.insertEvents([...held.slice(0, 10), ...heldEnvelope.slice(0, 5)].map((e) => e as never));
        app.child.kill('SIGKILL');
        expect(await app.exited).toBe('SIGKILL');
      }

      // The next instance shortens the consumers' ack wait, so the killed instance's messages come back in seconds.
      await using second = spawnApp(testEnv(nats, ch, { QRAFT_BATCH_MAX_WAIT_MS: '100', QRAFT_ACK_WAIT_MS: '2000' }), await freePort());
      await waitFor('all 295 visible after redelivery', async () => (await store.countEvents()) === 295, 60_000);
      await waitFor('everything acknowledged', async () => {
        const infos = [await consumerInfo(nc), await envelopeConsumer(nc)];
        return infos.every((info) => info.num_ack_pending === 0 && info.num_pending === 0);
      });
      // 230 messages, delivered more than 230 times: the held 30 came back to the second instance; so did the envelope.
      expect((await consumerInfo(nc)).delivered.consumer_seq).toBeGreaterThan(230);
      expect((await envelopeConsumer(nc)).delivered.consumer_seq).toBeGreaterThan(2);
      // The redelivered envelope's invalid event was dead-lettered again under the same msg id: still one dead letter.
      expect((await dlq.streams.info('QRAFT_DEADLETTER')).state.messages).toBe(1);

      const from = new Date(Date.now() - 3_600_000).toISOString();
      const { json } = await getJson(`${second.url}/events?from=${from}&limit=1000`);
      const ids = (json['events'] as Array<{ id: string }>).map((e) => e.id);
      expect(ids).toHaveLength(295);
      expect(new Set(ids).size).toBe(295);
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    } finally {
      await store.client.close();
    }
  }, 120_000);
});

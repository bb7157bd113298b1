import { jetstream } from '@nats-io/jetstream';
import { freePort, missingServers, startClickHouse, startNats, waitFor } from '@qraft/testkit';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClickHouseClient, EventStore } from '../src/event-store';
import { consumerInfo, getJson, makeEvents, natsClient, spawnApp, testEnv, waitReady } from './harness';

const missing = missingServers().filter((m) => !m.startsWith('prometheus'));
const describeServers = missing.length === 0 ? describe : describe.skip;
if (missing.length > 0) console.warn(`SKIPPED app process tests: ${missing.join('; ')}`);

async function publishAll(js: ReturnType<typeof jetstream>, events: Array<Record<string, unknown>>): Promise<void> {
  await Promise.all(events.map((e) => js.publish(`qraft.events.${String(e['type'])}`, JSON.stringify(e), { msgID: String(e['id']) })));
}

describeServers('the app as a process', () => {
  it('on SIGTERM mid-batch flushes, acknowledges and exits 0, losing nothing; it logs JSON to stdout and its log file', async () => {
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
      await publishAll(jetstream(nc), events);
      await waitFor('300 events held by the app, unacknowledged', async () => (await consumerInfo(nc)).num_ack_pending === 300);
      expect(await store.countEvents()).toBe(0);

      app.child.kill('SIGTERM');
      expect(await app.exited).toBe(0);
      expect(await store.countEvents()).toBe(300);
      const info = await consumerInfo(nc);
      expect([info.num_ack_pending, info.num_pending]).toEqual([0, 0]);

      const fileLines = readFileSync(join(logDir, 'app.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { msg: string; service: string });
      expect(fileLines.map((l) => l.msg)).toEqual(expect.arrayContaining(['signal received; draining', 'stopped']));
      expect(fileLines.every((l) => l.service === 'qraft-app')).toBe(true);
      expect(app.output()).toContain('"msg":"stopped"');
    } finally {
      await store.client.close();
      rmSync(logDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('after SIGKILL mid-batch the events are redelivered to the next instance and none is visible twice', async () => {
    await using nats = await startNats();
    await using ch = await startClickHouse();
    await using nc = await natsClient(nats.url);
    const store = new EventStore(createClickHouseClient(ch), 'qraft');
    try {
      const js = jetstream(nc);
      const first = makeEvents(200, 'kill-a');
      const held = makeEvents(30, 'kill-b');
      {
        // Batches of 50 flush at once; the last 30 wait (for a minute) in the app when it is killed.
        await using app = spawnApp(testEnv(nats, ch, { QRAFT_BATCH_MAX_SIZE: '50', QRAFT_BATCH_MAX_WAIT_MS: '60000', QRAFT_ACK_WAIT_MS: '61000' }), await freePort());
        await waitReady(app);
        await publishAll(js, first);
        await waitFor('first 200 stored', async () => (await store.countEvents()) === 200);
        await publishAll(js, held);
        await waitFor('30 held unacknowledged', async () => (await consumerInfo(nc)).num_ack_pending === 30);
        // As if the app died after its insert and before its acks: ten of the held events are already stored.
        await store.insertEvents(held.slice(0, 10).map((e) => e as never));
        app.child.kill('SIGKILL');
        expect(await app.exited).toBe('SIGKILL');
      }

      // The next instance shortens the consumer's ack wait, so the killed instance's messages come back in seconds.
      await using second = spawnApp(testEnv(nats, ch, { QRAFT_BATCH_MAX_WAIT_MS: '100', QRAFT_ACK_WAIT_MS: '2000' }), await freePort());
      await waitFor('all 230 visible after redelivery', async () => (await store.countEvents()) === 230, 60_000);
      await waitFor('everything acknowledged', async () => {
        const info = await consumerInfo(nc);
        return info.num_ack_pending === 0 && info.num_pending === 0;
      });
      // 230 messages, delivered more than 230 times: the held 30 came back to the second instance.
      expect((await consumerInfo(nc)).delivered.consumer_seq).toBeGreaterThan(230);

      const from = new Date(Date.now() - 3_600_000).toISOString();
      const { json } = await getJson(`${second.url}/events?from=${from}&limit=1000`);
      const ids = (json['events'] as Array<{ id: string }>).map((e) => e.id);
      expect(ids).toHaveLength(230);
      expect(new Set(ids).size).toBe(230);
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    } finally {
      await store.client.close();
    }
  }, 120_000);
});

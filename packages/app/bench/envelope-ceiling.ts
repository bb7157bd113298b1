/**
 * Ceiling of an envelope design, measured before the app had batch envelopes (it has now: `ingest-throughput.ts
 * --envelope N` measures the app's own): 1 000 events per JetStream message, published acked, consumed, validated,
 * inserted as TabSeparated in batches of 5 000 and acked per envelope, in one process; beside a direct insert of the
 * same rows. Evidence for docs/benchmarks.md, not a benchmark of the app.
 *
 *   pnpm --filter @qraft/app exec tsx bench/envelope-ceiling.ts [events-per-message]
 */
import { AckPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { startClickHouse, startNats } from '@qraft/testkit';
import { setTimeout as sleep } from 'node:timers/promises';
import { validateEvent, type QraftEvent } from '../src/event';
import { createClickHouseClient, EventStore } from '../src/event-store';
import { JetStreamPublisher } from '../src/jetstream-publisher';
import { migrate } from '../src/migrations';
import { makeBenchEvents } from './ingest-throughput';
async function main() {
  const N = 100000, PER = Number(process.argv[2] ?? 1000);
  const rows = makeBenchEvents(N);
  await using nats = await startNats();
  await using ch = await startClickHouse();
  const store = new EventStore(createClickHouseClient(ch), 'qraft');
  await migrate(store.client, 'qraft');
  const d0 = performance.now(); await store.insertEvents(rows); const direct = N / ((performance.now() - d0) / 1000);
  await store.client.command({ query: 'TRUNCATE TABLE qraft.events' });
  const nc = await connect({ servers: nats.url });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: 'E', subjects: ['env.>'], storage: StorageType.File, retention: RetentionPolicy.Limits });
  await jsm.consumers.add('E', { durable_name: 'c', ack_policy: AckPolicy.Explicit, max_ack_pending: 1000 });
  const consumer = await jetstream(nc).consumers.get('E', 'c');
  const t0 = performance.now();
  const done = (async () => {
    const msgs = await consumer.consume({ max_messages: 20 });
    let n = 0; let buf: QraftEvent[] = []; let held: Array<{ ack(): void }> = [];
    for await (const m of msgs) {
      for (const v of JSON.parse(m.string()) as unknown[]) { const r = validateEvent(v); if (r.ok) buf.push(r.event); }
      held.push(m);
      if (buf.length >= 5000 || n + buf.length >= N) { await store.insertEvents(buf); n += buf.length; held.forEach((h) => h.ack()); buf = []; held = []; }
      if (n >= N) break;
    }
  })();
  const pub = new JetStreamPublisher(nc, { window: 64, timeoutMs: 30000 });
  const items = [];
  for (let i = 0; i < N; i += PER) items.push({ subject: 'env.batch', data: JSON.stringify(rows.slice(i, i + PER)), msgId: `b-${i}` });
  await pub.publishAll(items);
  const p = (performance.now() - t0) / 1000;
  await done;
  while ((await store.countEvents()) < N) await sleep(10);
  const s = (performance.now() - t0) / 1000;
  console.log(`envelope ${PER}/msg: end-to-end ${Math.round(N / s)} ev/s (${s.toFixed(3)} s, publish ${p.toFixed(3)} s); direct ${Math.round(direct)} ev/s; ratio ${(N / s / direct).toFixed(2)}`);
  await nc.close(); await store.client.close();
}
void main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });

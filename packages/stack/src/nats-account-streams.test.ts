import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { loadStack, NATS_ACCOUNTS, NATS_TOPOLOGY, natsPasswordHashes, renderNatsAccounts } from '@qraft/config';
import { describeServers, startNats } from '@qraft/testkit';
import { moveGlobalAccountStreams } from './nats-account-streams';

function tempStore(): { readonly path: string } & Disposable {
  const path = mkdtempSync(join(tmpdir(), 'qraft-nats-store-'));
  return { path, [Symbol.dispose]: () => rmSync(path, { recursive: true, force: true }) };
}

/** A stream directory as nats-server lays it out, with a marker file to follow. */
function streamDir(store: string, account: string, stream: string, marker: string): void {
  const dir = join(store, 'jetstream', account, 'streams', stream);
  mkdirSync(join(dir, 'obs'), { recursive: true });
  writeFileSync(join(dir, 'meta.inf'), marker);
}

describe('moving the streams a stack kept before NATS accounts', () => {
  it('moves each global-account stream into the account and removes the emptied $G directory', () => {
    using tmp = tempStore();
    const store = tmp.path;
    streamDir(store, '$G', 'QRAFT_EVENTS', 'events');
    streamDir(store, '$G', 'QRAFT_DEADLETTER', 'dead letters');
    const moves = moveGlobalAccountStreams(store, 'QRAFT');
    expect(moves.map((m) => [m.stream, m.outcome]).sort()).toEqual([
      ['QRAFT_DEADLETTER', 'moved'],
      ['QRAFT_EVENTS', 'moved'],
    ]);
    expect(readdirSync(join(store, 'jetstream', 'QRAFT', 'streams')).sort()).toEqual(['QRAFT_DEADLETTER', 'QRAFT_EVENTS']);
    expect(existsSync(join(store, 'jetstream', '$G'))).toBe(false);
    expect(moveGlobalAccountStreams(store, 'QRAFT')).toEqual([]);
  });

  it('sets a stream the account already has aside, outside the server store, and deletes nothing', () => {
    using tmp = tempStore();
    const store = tmp.path;
    streamDir(store, '$G', 'QRAFT_EVENTS', 'old');
    streamDir(store, 'QRAFT', 'QRAFT_EVENTS', 'new');
    const [move] = moveGlobalAccountStreams(store, 'QRAFT', new Date('2026-11-30T17:00:00Z'));
    expect(move).toEqual({ stream: 'QRAFT_EVENTS', outcome: 'set aside', to: join(store, 'global-account-streams-2026-11-30T17-00-00-000Z', 'QRAFT_EVENTS') });
    expect(readdirSync(join(store, 'jetstream'))).toEqual(['QRAFT']);
    expect(existsSync(join(move!.to, 'meta.inf'))).toBe(true);
  });

  it('does nothing to a store without a global account', () => {
    using tmp = tempStore();
    const store = tmp.path;
    streamDir(store, 'QRAFT', 'QRAFT_EVENTS', 'new');
    expect(moveGlobalAccountStreams(store, 'QRAFT')).toEqual([]);
  });
});

describeServers('the NATS account migration on a real nats-server', ['nats-server'])('a stack upgraded to NATS accounts (real nats-server)', () => {
  it('keeps the events and the consumer position of its old stream once the streams are moved', async () => {
    using tmp = tempStore();
    const store = tmp.path;
    const { stream, subjects } = NATS_TOPOLOGY;
    // Before: no accounts, as the stack ran before — 5 events, the first 2 consumed and acked.
    {
      await using old = await startNats({ storeDir: store });
      const nc = await connect({ servers: old.url });
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: stream, subjects: [subjects.events] });
      await jsm.consumers.add(stream, { durable_name: 'qraft-app', ack_policy: 'explicit' });
      const js = jetstream(nc);
      for (let i = 0; i < 5; i++) await js.publish('qraft.events.order.created', `{"n":${i}}`);
      const consumer = await js.consumers.get(stream, 'qraft-app');
      for (let i = 0; i < 2; i++) (await consumer.next())!.ack();
      await nc.flush();
      await nc.close();
      await old.stop();
    }
    expect(moveGlobalAccountStreams(store, NATS_ACCOUNTS.account).map((m) => m.outcome)).toEqual(['moved']);

    // After: the stack's accounts; the stream, its messages and what is left to consume are all there.
    const password = 'a-test-password-of-some-length';
    const identity = (name: 'app' | 'publisher' | 'monitor' | 'system') => ({ user: NATS_ACCOUNTS[name].user, password });
    const hashes = natsPasswordHashes({ app: identity('app'), publisher: identity('publisher'), monitor: identity('monitor'), system: identity('system') }, undefined);
    await using upgraded = await startNats({ storeDir: store, accounts: renderNatsAccounts(loadStack({ imageSet: 'offline' }), hashes) });
    // The stack's monitor identity, as the readiness gate asks: JetStream info only.
    const nc = await connect({ servers: upgraded.url, user: NATS_ACCOUNTS.monitor.user, pass: password, inboxPrefix: NATS_ACCOUNTS.monitor.inboxPrefix });
    try {
      const jsm = await jetstreamManager(nc);
      expect((await jsm.streams.info(stream)).state.messages).toBe(5);
      expect((await jsm.consumers.info(stream, 'qraft-app')).num_pending).toBe(3);
      expect(await (await fetch(`${upgraded.monitorUrl}/healthz`)).status).toBe(200);
    } finally {
      await nc.close();
    }
  }, 60_000);
});

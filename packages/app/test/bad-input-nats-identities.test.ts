import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { loadStack, NATS_ACCOUNTS, natsPasswordHashes, renderNatsAccounts } from '@qraft/config';
import { probeNats } from '@qraft/health';
import { describeServers, startClickHouse, startNats, waitFor } from '@qraft/testkit';
import { randomBytes } from 'node:crypto';
import { makeEvents, runApp, testEnv } from './harness';


const password = () => randomBytes(24).toString('base64url');
const PASSWORDS = { app: password(), publisher: password(), monitor: password(), system: password() };
const account = (identity: keyof typeof PASSWORDS) => ({ user: NATS_ACCOUNTS[identity].user, password: PASSWORDS[identity] });

/** A client as a developer would open it: the publisher's user and password, the default inbox. */
async function client(url: string, user?: string, pass?: string, inboxPrefix?: string): Promise<NatsConnection & AsyncDisposable> {
  const nc = await connect({ servers: url, user, pass, inboxPrefix, timeout: 5_000, reconnect: false });
  return Object.assign(nc, { [Symbol.asyncDispose]: () => nc.close() });
}

/** What qraft-health's NATS probe says of a client with these credentials: the error a user sees, or "up". */
const probeOutcome = async (url: string, user?: string, password?: string) => (await probeNats({ url, user, password, timeoutMs: 5_000 })).error ?? 'up';

const refusal = (promise: Promise<unknown>) => promise.then(() => 'allowed', (error: unknown) => (error as Error).message);

describeServers('NATS identity tests', ['nats-server', 'clickhouse-server'])('hostile NATS clients against the stack accounts (real nats-server with the rendered accounts file)', () => {
  it('refuses missing, wrong and under-privileged credentials; the app keeps ingesting and nothing stored is lost', async () => {
    const accounts = renderNatsAccounts(loadStack({ imageSet: 'offline' }), natsPasswordHashes({ app: account('app'), publisher: account('publisher'), monitor: account('monitor'), system: account('system') }, undefined));
    await using nats = await startNats({ accounts });
    await using ch = await startClickHouse();
    await using running = await runApp(
      testEnv(nats, ch, { QRAFT_NATS_USER: account('app').user, QRAFT_NATS_PASSWORD: PASSWORDS.app, QRAFT_NATS_INBOX_PREFIX: NATS_ACCOUNTS.app.inboxPrefix }),
    );

    // The publisher sends events and gets JetStream's acks, as a real client would.
    await using publisher = await client(nats.url, account('publisher').user, PASSWORDS.publisher);
    const js = jetstream(publisher);
    const first = makeEvents(10, 'identities-before');
    for (const event of first) await js.publish(`qraft.events.${String(event['type'])}`, JSON.stringify(event), { msgID: String(event['id']) });
    await waitFor('the publisher\'s events stored', async () => (await running.app.store.countEvents()) === first.length);
    await using monitor = await client(nats.url, account('monitor').user, PASSWORDS.monitor, NATS_ACCOUNTS.monitor.inboxPrefix);
    const monitorJsm = await jetstreamManager(monitor);
    const before = (await monitorJsm.streams.info('QRAFT_EVENTS')).state.messages;
    expect(before).toBe(first.length);

    // No credentials, a wrong password, a made-up user: refused at connect.
    expect(await probeOutcome(nats.url)).toContain('refused an anonymous client (Authorization Violation)');
    expect(await probeOutcome(nats.url, account('publisher').user, 'not-the-password')).toContain(`refused user "${account('publisher').user}" (Authorization Violation)`);
    expect(await probeOutcome(nats.url, 'admin', 'admin')).toContain('refused user "admin" (Authorization Violation)');

    // The publisher may not administer JetStream, read the stream, forge dead letters or acks.
    const publisherJsm = await jetstreamManager(publisher, { checkAPI: false });
    const violation = (subject: string) => `Permissions Violation for Publish to "${subject}"`;
    expect(await refusal(publisherJsm.streams.delete('QRAFT_EVENTS'))).toContain(violation('$JS.API.STREAM.DELETE.QRAFT_EVENTS'));
    expect(await refusal(publisherJsm.streams.purge('QRAFT_EVENTS'))).toContain(violation('$JS.API.STREAM.PURGE.QRAFT_EVENTS'));
    expect(await refusal(publisherJsm.consumers.delete('QRAFT_EVENTS', 'qraft-app'))).toContain(violation('$JS.API.CONSUMER.DELETE.QRAFT_EVENTS.qraft-app'));
    expect(await refusal(publisherJsm.streams.getMessage('QRAFT_EVENTS', { seq: 1 }))).toContain(violation('$JS.API.STREAM.MSG.GET.QRAFT_EVENTS'));
    expect(await refusal(js.publish('qraft.deadletter.invalid_event', '{}', { timeout: 3_000 }))).toContain(violation('qraft.deadletter.invalid_event'));
    expect(await refusal(js.publish('qraft.other', '{}', { timeout: 3_000 }))).toContain(violation('qraft.other'));
    // ... nor listen on the app's inbox, where its pull consumers deliver the events.
    const subscribeError = await new Promise<string>((resolve) => {
      publisher.subscribe(`${NATS_ACCOUNTS.app.inboxPrefix}.>`, {
        callback: (error) => {
          if (error) resolve(error.message);
        },
      });
    });
    expect(subscribeError).toBe(`Permissions Violation for Subscription to "${NATS_ACCOUNTS.app.inboxPrefix}.>"`);
    // The monitor reads JetStream info only: no message content, no administration.
    expect(await refusal(monitorJsm.streams.getMessage('QRAFT_EVENTS', { seq: 1 }))).toContain(violation('$JS.API.STREAM.MSG.GET.QRAFT_EVENTS'));
    expect(await refusal(monitorJsm.streams.delete('QRAFT_EVENTS'))).toContain(violation('$JS.API.STREAM.DELETE.QRAFT_EVENTS'));

    // Nothing was lost, the consumers are there, the app is ready and keeps ingesting what the publisher sends.
    const info = await monitorJsm.streams.info('QRAFT_EVENTS');
    expect(info.state.messages).toBe(before);
    expect((await monitorJsm.consumers.info('QRAFT_EVENTS', 'qraft-app')).name).toBe('qraft-app');
    expect((await fetch(`${running.url}/readyz`)).status).toBe(200);
    await using again = await client(nats.url, account('publisher').user, PASSWORDS.publisher);
    const later = makeEvents(5, 'identities-after');
    for (const event of later) await jetstream(again).publish(`qraft.events.${String(event['type'])}`, JSON.stringify(event), { msgID: String(event['id']) });
    await waitFor('the events sent after the attacks stored', async () => (await running.app.store.countEvents()) === first.length + later.length);
    expect((await monitorJsm.streams.info('QRAFT_EVENTS')).state.messages).toBe(before + later.length);
  }, 120_000);
});

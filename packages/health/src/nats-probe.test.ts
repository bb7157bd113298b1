import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { describeServers, freePort, NatsTestServer, startNats } from '@qraft/testkit';
import { progressLog } from '../test/servers';
import { probeNats } from './nats-probe';
import { HealthTimeoutError, waitUntilHealthy } from './wait-until-healthy';

describeServers('real-server tests')('probeNats against a real nats-server', () => {
  it('reports nats up with JetStream on and the named stream present', async () => {
    await using nats = await startNats();
    const nc = await connect({ servers: nats.url });
    await (await jetstreamManager(nc)).streams.add({ name: 'orders', subjects: ['orders.>'] });
    await nc.close();
    const result = await probeNats({ url: nats.url, stream: 'orders' });
    expect(result).toMatchObject({ ok: true, state: 'up' });
    expect(result.detail).toMatch(/JetStream on .*stream "orders" present/);
    expect(result.error).toBeUndefined();
  });

  it('reports nats degraded, naming the stream, when the stream is missing', async () => {
    await using nats = await startNats();
    const result = await probeNats({ url: nats.url, stream: 'orders' });
    expect(result).toMatchObject({ ok: false, state: 'degraded' });
    expect(result.error).toContain('stream "orders" does not exist');
  });

  it('reports nats degraded when JetStream is off', async () => {
    await using nats = await startNats({ jetstream: false });
    const result = await probeNats({ url: nats.url });
    expect(result).toMatchObject({ ok: false, state: 'degraded' });
    expect(result.error).toContain('JetStream is not enabled');
  });

  it('reports nats down with "connection refused — is the server running?" when the port is closed', async () => {
    const url = `nats://127.0.0.1:${await freePort()}`;
    const result = await probeNats({ url });
    expect(result).toMatchObject({ ok: false, state: 'down' });
    expect(result.error).toBe(`nats at ${url}: connection refused — is the server running?`);
  });

  it('reports nats down naming the user and the setting to fix when the password is wrong', async () => {
    await using nats = await startNats({ auth: { user: 'qraft', password: 'right' } });
    expect(await probeNats({ url: nats.url, user: 'qraft', password: 'right' })).toMatchObject({ state: 'up' });
    const wrong = await probeNats({ url: nats.url, user: 'qraft', password: 'wrong' });
    expect(wrong).toMatchObject({ ok: false, state: 'down' });
    expect(wrong.error).toContain('refused user "qraft"');
    expect(wrong.error).toContain('QRAFT_NATS_PASSWORD_FILE');
    const anonymous = await probeNats({ url: nats.url });
    expect(anonymous.error).toContain('refused an anonymous client');
  });

  it('reports nats up for a user allowed only its own inbox when given that inbox prefix, and names the refusal without it', async () => {
    const accounts = `accounts { A: { jetstream: enabled, users: [ { user: watcher, password: pw, permissions: { publish: { allow: ["$JS.API.INFO"] }, subscribe: { allow: ["_INBOX_watcher.>"] } } } ] } }\n`;
    await using nats = await startNats({ accounts });
    expect(await probeNats({ url: nats.url, user: 'watcher', password: 'pw', inboxPrefix: '_INBOX_watcher' })).toMatchObject({ state: 'up' });
    const without = await probeNats({ url: nats.url, user: 'watcher', password: 'pw', timeoutMs: 2_000 });
    expect(without.ok).toBe(false);
    expect(without.error).toMatch(/refused user "watcher": Permissions Violation for Subscription to "_INBOX\..*" — .*--inbox-prefix or QRAFT_NATS_INBOX_PREFIX/);
  });

  it('returns from waitUntilHealthy once a server that starts late answers', async () => {
    await using nats = await NatsTestServer.create();
    const log = progressLog();
    const waiting = waitUntilHealthy([{ name: 'nats', probe: (signal) => probeNats({ url: nats.url, signal }) }], {
      timeoutMs: 20_000,
      onProgress: log.onProgress,
    });
    // Let the watcher see the closed port first.
    while (!log.states.get('nats')) await new Promise((r) => setImmediate(r));
    await nats.start();
    const report = await waiting;
    expect(report.ok).toBe(true);
    expect(log.states.get('nats')).toEqual(['down', 'up']);
  });

  it('reports nats down to a watcher when the server is stopped while being watched', async () => {
    await using nats = await startNats();
    const log = progressLog();
    // The stream never appears, so the watcher keeps polling: first degraded, then down once stopped.
    const waiting = waitUntilHealthy(
      [{ name: 'nats', probe: (signal) => probeNats({ url: nats.url, stream: 'orders', signal }) }],
      { timeoutMs: 3_000, onProgress: log.onProgress },
    ).catch((e: unknown) => e);
    while (!log.states.get('nats')?.includes('degraded')) await new Promise((r) => setImmediate(r));
    await nats.stop();
    const error = await waiting;
    expect(error).toBeInstanceOf(HealthTimeoutError);
    expect(log.states.get('nats')).toEqual(['degraded', 'down']);
    expect((error as HealthTimeoutError).message).toContain('nats (down): nats at');
    expect((error as HealthTimeoutError).message).toContain('connection refused — is the server running?');
  });
});

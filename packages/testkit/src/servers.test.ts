import { describeServers, startClickHouse, startNats, startPrometheus } from './index';
import { httpOk, waitFor } from './wait-for';

// Reached with servers missing only under QRAFT_SKIP_REAL_SERVERS=1: ensure-test-servers.ts (jest globalSetup)
// installs them or fails the run otherwise.

describeServers('real-server tests (QRAFT_SKIP_REAL_SERVERS=1)')('real test servers', () => {
  it('starts NATS with JetStream, stops it, and brings it back on the same port', async () => {
    await using nats = await startNats();
    const jsz = await (await fetch(`${nats.monitorUrl}/jsz`)).json();
    expect(jsz).toHaveProperty('config.store_dir');
    await nats.stop();
    expect(await httpOk(`${nats.monitorUrl}/healthz`).catch(() => false)).toBe(false);
    await nats.start();
    expect(await httpOk(`${nats.monitorUrl}/healthz`)).toBe(true);
  });

  it('starts NATS with the accounts configuration it is given, requiring credentials', async () => {
    await using nats = await startNats({ accounts: 'accounts { TESTACC: { jetstream: enabled, users: [ { user: u, password: p } ] } }\n' });
    const varz = (await (await fetch(`${nats.monitorUrl}/varz`)).json()) as { auth_required?: boolean };
    expect(varz.auth_required).toBe(true);
    const accountz = (await (await fetch(`${nats.monitorUrl}/accountz`)).json()) as { accounts: string[] };
    expect(accountz.accounts).toContain('TESTACC');
  });

  it('starts ClickHouse that accepts its user with the password and refuses a wrong one', async () => {
    await using ch = await startClickHouse();
    const query = (password: string) =>
      fetch(`${ch.url}/?query=SELECT%201`, { headers: { 'X-ClickHouse-User': ch.user, 'X-ClickHouse-Key': password } });
    const good = await query(ch.password);
    expect(await good.text()).toBe('1\n');
    expect((await query('wrong')).status).not.toBe(200);
  }, 60_000);

  it('starts Prometheus that scrapes itself', async () => {
    await using prom = await startPrometheus();
    await waitFor('self-scrape', async () => {
      const targets = (await (await fetch(`${prom.url}/api/v1/targets`)).json()) as {
        data: { activeTargets: Array<{ health: string }> };
      };
      return targets.data.activeTargets.some((t) => t.health === 'up');
    }, 10_000);
  });

  it('starts Prometheus behind basic auth: 401 without the login or with a wrong one, 200 with it, and it still scrapes itself', async () => {
    await using prom = await startPrometheus({ basicAuth: { user: 'qraft', password: 'testkit-password' } });
    const wrong = { authorization: `Basic ${Buffer.from('qraft:wrong').toString('base64')}` };
    expect((await fetch(`${prom.url}/api/v1/query?query=up`)).status).toBe(401);
    expect((await fetch(`${prom.url}/api/v1/query?query=up`, { headers: wrong })).status).toBe(401);
    expect((await fetch(`${prom.url}/api/v1/query?query=up`, { headers: prom.authHeaders })).status).toBe(200);
    await waitFor('self-scrape with basic auth', async () => {
      const targets = (await (await fetch(`${prom.url}/api/v1/targets`, { headers: prom.authHeaders })).json()) as {
        data: { activeTargets: Array<{ health: string }> };
      };
      return targets.data.activeTargets.some((t) => t.health === 'up');
    }, 10_000);
  });
});

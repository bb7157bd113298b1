import { jetstream } from '@nats-io/jetstream';
import { describeServers, startClickHouse, startNats, waitFor } from '@qraft/testkit';
import { makeEvents, natsClient, postJson, runApp, testEnv } from './harness';

async function metrics(url: string): Promise<string> {
  return (await fetch(`${url}/metrics`)).text();
}

function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describeServers('app pipeline-metrics tests', ['nats-server', 'clickhouse-server'])('the app exports consumer lag and the newest stored event age', () => {
  it('shows events waiting while ClickHouse is down as pending or ack-pending, and 0 with an age once they are stored', async () => {
    await using nats = await startNats();
    await using ch = await startClickHouse();
    await using running = await runApp(testEnv(nats, ch));
    const events = makeEvents(20, 'lag');
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    events[0]!['timestamp'] = hourAgo;

    const before = await metrics(running.url);
    expect(value(before, 'qraft_consumer_pending{consumer="qraft-app"}')).toBe(0);
    expect(value(before, 'qraft_consumer_ack_pending{consumer="qraft-app-batch"}')).toBe(0);
    expect(value(before, 'qraft_consumer_redelivered{consumer="qraft-app"}')).toBe(0);
    expect(before).not.toMatch(/^qraft_newest_event_age_seconds{/m);

    await ch.stop();
    await using nc = await natsClient(nats.url);
    const js = jetstream(nc);
    for (const e of events) await js.publish(`qraft.events.${String(e['type'])}`, JSON.stringify(e));
    await waitFor('20 events held back by the app', async () => {
      const text = await metrics(running.url);
      return (value(text, 'qraft_consumer_pending{consumer="qraft-app"}') ?? 0) + (value(text, 'qraft_consumer_ack_pending{consumer="qraft-app"}') ?? 0) === 20;
    });

    await ch.start(60_000);
    await waitFor('the held events stored and acknowledged', async () => {
      const text = await metrics(running.url);
      return value(text, 'qraft_consumer_pending{consumer="qraft-app"}') === 0 && value(text, 'qraft_consumer_ack_pending{consumer="qraft-app"}') === 0;
    }, 60_000);
    const after = await metrics(running.url);
    // makeEvents stamps events a minute in the past; the newest of them counts, not the one an hour old.
    expect(value(after, `qraft_newest_event_age_seconds{table="qraft.events"}`)).toBeGreaterThanOrEqual(59);
    expect(value(after, `qraft_newest_event_age_seconds{table="qraft.events"}`)).toBeLessThan(3_600);

    // A restarted app knows the age before its first insert: it reads the newest stored event at start.
    await using restarted = await runApp(testEnv(nats, ch));
    expect(value(await metrics(restarted.url), `qraft_newest_event_age_seconds{table="qraft.events"}`)).toBeGreaterThanOrEqual(59);
  }, 120_000);

  it('leaves the consumer series out, not at 0, while NATS is unreachable', async () => {
    await using nats = await startNats();
    await using ch = await startClickHouse();
    await using running = await runApp(testEnv(nats, ch));
    const posted = await postJson(`${running.url}/events`, makeEvents(1, 'gone'));
    expect(posted.status).toBe(202);

    await nats.stop();
    await waitFor('consumer series gone', async () => !(await metrics(running.url)).includes('qraft_consumer_pending{'));
  }, 60_000);
});

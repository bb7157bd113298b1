import { jetstream } from '@nats-io/jetstream';
import { missingServers, startClickHouse, startNats, waitFor } from '@qraft/testkit';
import { getJson, makeEvents, natsClient, postJson, runApp, testEnv } from './harness';

const missing = missingServers().filter((m) => !m.startsWith('prometheus'));
const describeServers = missing.length === 0 ? describe : describe.skip;
if (missing.length > 0) console.warn(`SKIPPED app round-trip tests: ${missing.join('; ')}`);

describeServers('app round trip against real NATS and ClickHouse', () => {
  it('stores events posted over HTTP in ClickHouse via JetStream and serves them back, paged', async () => {
    await using nats = await startNats();
    await using ch = await startClickHouse();
    await using running = await runApp(testEnv(nats, ch));
    const ready = await getJson(`${running.url}/readyz`);
    expect(ready.status).toBe(200);
    expect((ready.json['checks'] as Array<{ name: string; state: string }>).map((c) => `${c.name}:${c.state}`)).toEqual([
      'nats:up', 'clickhouse:up', 'nats-topology:up', 'schema:up', 'ingest:up',
    ]);

    const single = await postJson(`${running.url}/events`, { type: 'user.signed_up', source: 'web', payload: { user: 'ada' } });
    expect(single.status).toBe(202);
    expect(single.json['ids']).toHaveLength(1);

    const batch = makeEvents(25, 'rt');
    const posted = await postJson(`${running.url}/events`, batch);
    expect(posted).toEqual({ status: 202, json: { ids: batch.map((e) => e['id']) } });

    const from = new Date(Date.now() - 3_600_000).toISOString();
    await waitFor('25 order.created events queryable', async () => {
      const { json } = await getJson(`${running.url}/events?type=order.created&from=${from}&limit=1000`);
      return (json['events'] as unknown[]).length === 25;
    });

    // Page through 10 at a time: every event exactly once, newest first.
    const seen: string[] = [];
    let cursor: string | null = '';
    do {
      const page: { json: Record<string, unknown> } = await getJson(`${running.url}/events?type=order.created&from=${from}&limit=10&cursor=${cursor ?? ''}`);
      seen.push(...(page.json['events'] as Array<{ id: string }>).map((e) => e.id));
      cursor = page.json['nextCursor'] as string | null;
    } while (cursor);
    expect(seen).toEqual(batch.map((e) => e['id']).reverse());
    const stored = (await getJson(`${running.url}/events?type=order.created&from=${from}&limit=1`)).json['events'] as unknown[];
    expect(stored[0]).toEqual(batch.at(-1));

    await waitFor('the single user event', async () => ((await getJson(`${running.url}/events?type=user.signed_up&from=${from}`)).json['events'] as unknown[]).length === 1);

    const patterns = (await getJson(`${running.url}/patterns?window=7200`)).json['patterns'] as Array<{ name: string; matchingEvents: number }>;
    expect(patterns.find((p) => p.name === 'order-lifecycle')?.matchingEvents).toBe(25);
    expect(patterns.find((p) => p.name === 'user-signup')?.matchingEvents).toBe(1);

    const created = await postJson(`${running.url}/patterns`, { name: 'checkout', eventTypes: ['order.created', 'user.signed_up'] });
    expect(created.status).toBe(201);
    expect((await postJson(`${running.url}/patterns`, { name: 'checkout', eventTypes: ['x'] })).status).toBe(409);
    const withNew = (await getJson(`${running.url}/patterns?window=7200`)).json['patterns'] as Array<{ name: string; matchingEvents: number }>;
    expect(withNew.find((p) => p.name === 'checkout')?.matchingEvents).toBe(26);

    // Publishing the same ids again (a client retry) does not duplicate anything.
    expect((await postJson(`${running.url}/events`, batch)).status).toBe(202);
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toMatch(/qraft_events_ingested_total \d+/);
    const { json } = await getJson(`${running.url}/events?type=order.created&from=${from}&limit=1000`);
    expect(json['events']).toHaveLength(25);
  });

  it('answers bad requests with JSON errors that say what to change', async () => {
    await using nats = await startNats();
    await using ch = await startClickHouse();
    await using running = await runApp(testEnv(nats, ch, { QRAFT_HTTP_BODY_LIMIT_BYTES: '2048', QRAFT_EVENT_MAX_BYTES: '1024', QRAFT_QUERY_MAX_RANGE_MS: '86400000' }));

    const invalid = await postJson(`${running.url}/events`, [{ type: 'ok.type', source: 's', payload: {} }, { type: 'bad type', source: 's', payload: {} }]);
    expect(invalid.status).toBe(400);
    expect(invalid.json).toMatchObject({ error: 'invalid_event', details: [{ index: 1, reason: 'invalid_event' }] });
    expect(invalid.json['message']).toContain('none published');

    const tooBig = await postJson(`${running.url}/events`, { type: 'a', source: 's', payload: { blob: 'x'.repeat(4_000) } });
    expect(tooBig).toMatchObject({ status: 413, json: { error: 'body_too_large' } });

    const notJson = await fetch(`${running.url}/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{oops' });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ error: 'invalid_json' });

    const range = await getJson(`${running.url}/events?from=2020-01-01T00:00:00Z&to=2021-01-01T00:00:00Z`);
    expect(range).toMatchObject({ status: 400, json: { error: 'range_too_large' } });
    expect(range.json['message']).toContain('QRAFT_QUERY_MAX_RANGE_MS');
    expect((await getJson(`${running.url}/events?limit=0`)).json).toMatchObject({ error: 'invalid_query' });
    expect((await getJson(`${running.url}/events?cursor=zzz`)).json).toMatchObject({ error: 'invalid_cursor' });
    expect((await getJson(`${running.url}/nope`)).status).toBe(404);
    expect((await postJson(`${running.url}/patterns`, { name: 'Bad Name', eventTypes: [] })).json).toMatchObject({ error: 'invalid_pattern' });

    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toContain('qraft_events_rejected_total{reason="invalid_event"} 1');
    for (const name of ['qraft_batch_size_bucket', 'qraft_batch_insert_duration_seconds_bucket', 'qraft_nats_connected 1', 'qraft_clickhouse_connected 1', 'process_cpu_seconds_total']) {
      expect(metrics).toContain(name);
    }
  });

  it('dead-letters a malformed event published straight to NATS, with the reason, and keeps ingesting', async () => {
    await using nats = await startNats();
    await using ch = await startClickHouse();
    await using running = await runApp(testEnv(nats, ch, { QRAFT_EVENT_MAX_BYTES: '1024' }));
    await using nc = await natsClient(nats.url);
    const deadLetters = nc.subscribe('qraft.deadletter.>');
    const js = jetstream(nc);

    await js.publish('qraft.events.order.created', '{not json');
    await js.publish('qraft.events.order.created', JSON.stringify({ id: 'x', type: 'order.created' }));
    await js.publish('qraft.events.order.created', JSON.stringify({ id: 'big', blob: 'x'.repeat(2_000) }));
    const good = makeEvents(1, 'after-bad')[0]!;
    await js.publish('qraft.events.order.created', JSON.stringify(good));

    const received: Array<{ subject: string; reason: string | undefined; detail: string | undefined }> = [];
    for await (const m of deadLetters) {
      received.push({ subject: m.subject, reason: m.headers?.get('Qraft-Reason'), detail: m.headers?.get('Qraft-Detail') });
      if (received.length === 3) break;
    }
    expect(received.map((r) => r.subject)).toEqual(['qraft.deadletter.invalid_json', 'qraft.deadletter.invalid_event', 'qraft.deadletter.too_large']);
    expect(received.map((r) => r.reason)).toEqual(['invalid_json', 'invalid_event', 'too_large']);
    expect(received[1]?.detail).toContain('source must be');

    await waitFor('the valid event after the bad ones', async () => (await running.app.store.countEvents([String(good['id'])])) === 1);
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toContain('qraft_events_rejected_total{reason="invalid_json"} 1');
    expect(metrics).toContain('qraft_events_rejected_total{reason="too_large"} 1');
  });
});

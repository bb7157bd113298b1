import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { describeServers, startClickHouse, startNats, waitFor } from '@qraft/testkit';
import { envelopeMsgId } from '../src/nats-bus';
import { consumerInfo, getJson, makeEvents, natsClient, postJson, runApp, testEnv } from './harness';

describeServers('app round-trip tests', ['nats-server', 'clickhouse-server'])('app round trip against real NATS and ClickHouse', () => {
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
  it('publishes an array POST as one envelope whose retry dedupes, and ingests envelopes published straight to qraft.batch.>', async () => {
    await using nats = await startNats();
    await using ch = await startClickHouse();
    await using running = await runApp(testEnv(nats, ch, { QRAFT_ENVELOPE_MAX_EVENTS: '40' }));
    await using nc = await natsClient(nats.url);
    const jsm = await jetstreamManager(nc);
    const stored = async () => (await jsm.streams.info('QRAFT_EVENTS')).state.messages;

    const batch = makeEvents(30, 'env-http');
    expect(await postJson(`${running.url}/events`, batch)).toEqual({ status: 202, json: { ids: batch.map((e) => e['id']) } });
    expect(await stored()).toBe(1);
    const message = await jsm.streams.getMessage('QRAFT_EVENTS', { seq: 1 });
    expect(message?.subject).toBe('qraft.batch.http');
    expect(message?.header.get('Nats-Msg-Id')).toBe(envelopeMsgId(batch.map((e) => ({ ...e, id: String(e['id']) }) as never)));
    expect(JSON.parse(message!.string())).toEqual(batch);

    // The same request again, and the same events in another order: duplicates of the stored envelope.
    expect((await postJson(`${running.url}/events`, batch)).status).toBe(202);
    expect((await postJson(`${running.url}/events`, [...batch].reverse())).status).toBe(202);
    expect(await stored()).toBe(1);

    // Past QRAFT_ENVELOPE_MAX_EVENTS a request becomes several envelopes; an array of one stays a plain message.
    const big = makeEvents(100, 'env-split');
    expect((await postJson(`${running.url}/events`, big)).status).toBe(202);
    const lone = makeEvents(1, 'env-lone', 'user.signed_up');
    expect((await postJson(`${running.url}/events`, lone)).status).toBe(202);
    expect(await stored()).toBe(1 + 3 + 1);
    expect((await jsm.streams.getMessage('QRAFT_EVENTS', { seq: 5 }))?.subject).toBe('qraft.events.user.signed_up');

    // Straight to NATS: an envelope of another producer, published twice under one msg id and once more without.
    const direct = makeEvents(20, 'env-nats', 'order.paid');
    const js = jetstream(nc);
    await js.publish('qraft.batch.billing', JSON.stringify(direct), { msgID: 'billing-1' });
    expect((await js.publish('qraft.batch.billing', JSON.stringify(direct), { msgID: 'billing-1' })).duplicate).toBe(true);
    await js.publish('qraft.batch.billing', JSON.stringify(direct));

    await waitFor('all 151 events visible once', async () => (await running.app.store.countEvents()) === 151);
    await waitFor('every envelope acknowledged', async () => {
      const info = await consumerInfo(nc, 'QRAFT_EVENTS', 'qraft-app-batch');
      return info.num_ack_pending === 0 && info.num_pending === 0;
    });
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const paid = (await getJson(`${running.url}/events?type=order.paid&from=${from}&limit=1000`)).json['events'] as unknown[];
    expect(paid).toEqual([...direct].reverse());

    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toContain('qraft_envelopes_published_total 4');
    expect(metrics).toContain('qraft_events_published_total 131');
    expect(metrics).toContain('qraft_envelopes_ingested_total 6');
    // Per event: the re-sent envelope's 20 events were inserted twice (ClickHouse dedupes them, FINAL hides it).
    expect(metrics).toContain('qraft_events_ingested_total 171');
  });

  it('adds qraft.batch.> to a QRAFT_EVENTS stream created before envelopes existed, keeping its messages and consumer', async () => {
    await using nats = await startNats();
    await using ch = await startClickHouse();
    await using nc = await natsClient(nats.url);
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'QRAFT_EVENTS', subjects: ['qraft.events.>'], storage: StorageType.File, retention: RetentionPolicy.Limits });
    await jsm.consumers.add('QRAFT_EVENTS', { durable_name: 'qraft-app', ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, filter_subject: 'qraft.events.>' });
    const old = makeEvents(5, 'old-stream');
    for (const e of old) await jetstream(nc).publish('qraft.events.order.created', JSON.stringify(e));

    await using running = await runApp(testEnv(nats, ch));
    expect((await jsm.streams.info('QRAFT_EVENTS')).config.subjects).toEqual(['qraft.events.>', 'qraft.batch.>']);
    expect((await postJson(`${running.url}/events`, makeEvents(10, 'new-stream'))).status).toBe(202);
    await waitFor('old single events and the new envelope stored', async () => (await running.app.store.countEvents()) === 15);
    expect((await getJson(`${running.url}/readyz`)).status).toBe(200);
  });
});

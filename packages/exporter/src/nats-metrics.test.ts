import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { startNats } from '@qraft/testkit';
import { find, parseExposition } from '../test/exposition';
import { MetricsServer, ROUTES } from './metrics-server';

const config = (natsMonitorUrl: string) => ({
  httpHost: '127.0.0.1',
  httpPort: 0,
  natsMonitorUrl,
  clickhouseUrl: 'http://127.0.0.1:1',
  clickhouseUser: 'default',
  clickhousePassword: '',
  sourceTimeoutMs: 2_000,
});

async function scrape(url: string) {
  const response = await fetch(url);
  return { status: response.status, ...parseExposition(await response.text()) };
}

describe('NATS metrics under the NATS Prometheus exporter names', () => {
  it('reports server, connection and JetStream stream and consumer figures of a real nats-server', async () => {
    await using nats = await startNats();
    await using exporter = await new MetricsServer(config(nats.monitorUrl)).listen();
    const nc = await connect({ servers: nats.url });
    try {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: 'QRAFT_EVENTS', subjects: ['qraft.events.>'] });
      await jsm.consumers.add('QRAFT_EVENTS', { durable_name: 'qraft-app', ack_policy: AckPolicy.Explicit });
      const js = jetstream(nc);
      for (let i = 0; i < 3; i++) await js.publish('qraft.events.test', `{"n":${i}}`);
      const consumer = await js.consumers.get('QRAFT_EVENTS', 'qraft-app');
      const held = await consumer.next({ expires: 2_000 });
      expect(held).not.toBeNull();

      const { status, samples, types } = await scrape(`${exporter.url}${ROUTES.nats}`);
      const serverId = `http://127.0.0.1:${nats.monitorPort}`;
      expect(status).toBe(200);
      expect(find(samples, 'gnatsd_varz_connections', { server_id: serverId })[0]?.value).toBe(1);
      expect(find(samples, 'gnatsd_varz_in_msgs', { server_id: serverId })[0]?.value).toBeGreaterThanOrEqual(3);
      expect(find(samples, 'gnatsd_varz_jetstream_stats_storage', { server_id: serverId })[0]?.value).toBeGreaterThan(0);
      expect(find(samples, 'gnatsd_varz_version', { server_id: serverId })[0]?.labels['value']).toMatch(/^\d+\.\d+\.\d+$/);
      expect(find(samples, 'gnatsd_varz_start', { server_id: serverId })[0]?.value).toBeGreaterThan(Date.parse('2020-01-01'));
      expect(find(samples, 'gnatsd_connz_num_connections', { server_id: serverId })[0]?.value).toBe(1);
      expect(types.get('gnatsd_connz_in_msgs')).toBe('counter');
      expect(find(samples, 'gnatsd_healthz_status_value', { server_id: serverId, value: 'ok' })[0]?.value).toBe(1);

      const stream = { server_id: serverId, account: '$G', stream_name: 'QRAFT_EVENTS' };
      expect(find(samples, 'jetstream_server_total_streams', { server_id: serverId, is_meta_leader: 'true' })[0]?.value).toBe(1);
      expect(find(samples, 'jetstream_stream_total_messages', stream)[0]?.value).toBe(3);
      expect(find(samples, 'jetstream_stream_last_seq', stream)[0]?.value).toBe(3);
      const consumerLabels = { ...stream, consumer_name: 'qraft-app' };
      expect(find(samples, 'jetstream_consumer_num_pending', consumerLabels)[0]?.value).toBe(2);
      expect(find(samples, 'jetstream_consumer_num_ack_pending', consumerLabels)[0]?.value).toBe(1);
      expect(find(samples, 'jetstream_consumer_num_redelivered', consumerLabels)[0]?.value).toBe(0);
      expect(Object.keys(find(samples, 'jetstream_consumer_num_pending', consumerLabels)[0]!.labels).sort()).toEqual(
        ['account', 'account_id', 'account_name', 'cluster', 'consumer_desc', 'consumer_leader', 'consumer_name', 'domain', 'is_consumer_leader', 'is_meta_leader', 'is_stream_leader', 'meta_leader', 'server_id', 'server_name', 'stream_leader', 'stream_name', 'stream_raft_group'],
      );
      held!.ack();
    } finally {
      await nc.close();
    }
  });

  it('keeps answering with gnatsd_healthz_status_value{value="unreachable"} 0 when NATS is down', async () => {
    const nats = await startNats();
    const monitorUrl = nats.monitorUrl;
    await nats[Symbol.asyncDispose]();
    await using exporter = await new MetricsServer(config(monitorUrl)).listen();

    const { status, samples } = await scrape(`${exporter.url}${ROUTES.nats}`);

    expect(status).toBe(200);
    expect(find(samples, 'gnatsd_healthz_status_value', { value: 'unreachable' })[0]?.value).toBe(0);
    expect(find(samples, 'gnatsd_varz_connections')).toEqual([]);
  });
});

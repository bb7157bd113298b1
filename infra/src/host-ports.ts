/** Host ports the dev stack publishes by default; @qraft/config's model is meant to replace this list. */
export function hostPorts(): Array<{ port: number; name: string; env: string }> {
  return [
    { port: 4222, name: 'nats client', env: 'QRAFT_NATS_PORT' },
    { port: 8222, name: 'nats monitoring', env: 'QRAFT_NATS_MONITOR_PORT' },
    { port: 8123, name: 'clickhouse http', env: 'QRAFT_CLICKHOUSE_HTTP_PORT' },
    { port: 9090, name: 'prometheus', env: 'QRAFT_PROMETHEUS_PORT' },
    { port: 3000, name: 'grafana', env: 'QRAFT_GRAFANA_PORT' },
    { port: 8080, name: 'app api', env: 'QRAFT_APP_PORT' },
  ];
}

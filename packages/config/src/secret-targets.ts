/** Where each service sees its secrets (docker and podman-compose both bind-mount file secrets). */
export const SECRET_TARGETS: Readonly<Record<string, string>> = {
  clickhouse_app_password: '/run/secrets/clickhouse_app_password',
  clickhouse_grafana_password: '/run/secrets/clickhouse_grafana_password',
  clickhouse_exporter_password: '/run/secrets/clickhouse_exporter_password',
  grafana_admin_password: '/run/secrets/grafana_admin_password',
  // users.d is read at start-up; a file secret with an absolute target lands there directly.
  clickhouse_users: '/etc/clickhouse-server/users.d/qraft-users.xml',
  nats_app_password: '/run/secrets/nats_app_password',
  // nats-server.conf (in the config mount) includes it by a path relative to itself: see renderNatsConfig.
  nats_accounts: '/run/secrets/nats_accounts.conf',
  prometheus_password: '/run/secrets/prometheus_password',
  prometheus_grafana_password: '/run/secrets/prometheus_grafana_password',
  prometheus_web_config: '/run/secrets/prometheus_web_config',
};

/** ClickHouse accounts of the stack; their passwords are generated into secrets/. */
export const CLICKHOUSE_USERS = { app: 'qraft_app', grafana: 'qraft_grafana', exporter: 'qraft_exporter', database: 'qraft' } as const;

/** Grafana's admin account; its password is generated into secrets/grafana_admin_password. */
export const GRAFANA_ADMIN_USER = 'admin';

/**
 * Prometheus' basic-auth users (web.config.file): `stack` for the host side (readiness gate, verify, qraft-health)
 * and Prometheus' own healthcheck, `grafana` for Grafana's datasource. Passwords in secrets/, bcrypt hashes in
 * secrets/prometheus_web.yml.
 */
export const PROMETHEUS_USERS = { stack: 'qraft', grafana: 'grafana' } as const;

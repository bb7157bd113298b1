/** ClickHouse accounts of the stack; their passwords are generated into secrets/. */
export const CLICKHOUSE_USERS = { app: 'qraft_app', grafana: 'qraft_grafana', database: 'qraft' } as const;

/** Grafana's admin account; its password is generated into secrets/grafana_admin_password. */
export const GRAFANA_ADMIN_USER = 'admin';

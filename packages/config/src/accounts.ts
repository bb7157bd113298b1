/** ClickHouse accounts of the stack; their passwords are generated into secrets/. */
export const CLICKHOUSE_USERS = { app: 'qraft_app', grafana: 'qraft_grafana', exporter: 'qraft_exporter', database: 'qraft' } as const;

/** Grafana's admin account; its password is generated into secrets/grafana_admin_password. */
export const GRAFANA_ADMIN_USER = 'admin';

/**
 * NATS: one account for the stack's identities (JetStream on) and the system account. Each identity that asks
 * JetStream questions gets an inbox prefix of its own, so no other identity may subscribe to its replies.
 */
export const NATS_ACCOUNTS = {
  account: 'QRAFT',
  systemAccount: 'SYS',
  /** The app: its streams, its two durable consumers, dead letters. */
  app: { user: 'qraft_app', inboxPrefix: '_INBOX_qraft_app' },
  /** Clients that only send events (`qraft.events.>`, `qraft.batch.>`) and wait for JetStream's acks. */
  publisher: { user: 'qraft_publisher', inboxPrefix: '_INBOX' },
  /** The host's readiness gate and checks: JetStream info only, no message content, no administration. */
  monitor: { user: 'qraft_monitor', inboxPrefix: '_INBOX_qraft_monitor' },
  /** The system account's user (server events, `nats server` commands); nothing in the stack uses it. */
  system: { user: 'qraft_system', inboxPrefix: '_INBOX' },
} as const;

/**
 * The JetStream names the app uses (its QRAFT_STREAM_NAME and QRAFT_CONSUMER_NAME defaults, and nats-bus.ts):
 * the app's NATS permissions name exactly these, so a renamed stream or consumer needs a change here too.
 */
export const NATS_TOPOLOGY = {
  stream: 'QRAFT_EVENTS',
  deadLetterStream: 'QRAFT_DEADLETTER',
  /** The event consumer and the envelope consumer (`<name>-batch`). */
  consumers: ['qraft-app', 'qraft-app-batch'],
  subjects: { events: 'qraft.events.>', envelopes: 'qraft.batch.>', deadLetters: 'qraft.deadletter.>' },
} as const;

/**
 * Prometheus' basic-auth users (web.config.file): `stack` for the host side (readiness gate, verify, qraft-health)
 * and Prometheus' own healthcheck, `grafana` for Grafana's datasource. Passwords in secrets/, bcrypt hashes in
 * secrets/prometheus_web.yml.
 */
export const PROMETHEUS_USERS = { stack: 'qraft', grafana: 'grafana' } as const;

import { SERVICE_CATALOG } from './service-catalog';
import type { SecretModel, ServiceName } from './stack-model';

/** Directory (relative to the repository root) that holds generated credentials; git-ignored. */
export const SECRETS_DIR = 'secrets';

interface SecretSpec {
  readonly name: string;
  readonly file: string;
  readonly reader: ServiceName;
  /** Other services that read the same file (they run as the reader's uid:gid). */
  readonly sharedWith?: readonly ServiceName[];
  readonly kind: SecretModel['kind'];
  /** Services that must be present for the secret to exist at all. */
  readonly needs: readonly ServiceName[];
  /** Read only on the host (checks, developers): mounted into no container and left to the user who ran `secrets`. */
  readonly hostOnly?: true;
}

const SECRET_SPECS: readonly SecretSpec[] = [
  { name: 'clickhouse_app_password', file: 'clickhouse_app_password', reader: 'app', kind: 'random', needs: ['app', 'clickhouse'] },
  // The offline set's exporter reads ClickHouse's system tables as a read-only user of its own.
  { name: 'clickhouse_exporter_password', file: 'clickhouse_exporter_password', reader: 'exporter', kind: 'random', needs: ['exporter', 'clickhouse'] },
  { name: 'clickhouse_grafana_password', file: 'clickhouse_grafana_password', reader: 'grafana', kind: 'random', needs: ['grafana', 'clickhouse'] },
  { name: 'grafana_admin_password', file: 'grafana_admin_password', reader: 'grafana', kind: 'random', needs: ['grafana'] },
  // ClickHouse reads only hashes of the passwords above, rendered into a users.d file on this machine.
  { name: 'clickhouse_users', file: 'clickhouse_users.xml', reader: 'clickhouse', kind: 'derived', needs: ['clickhouse'] },
  // NATS identities (NATS_ACCOUNTS): the app's is mounted into the app; the publisher's, the monitor's and the
  // system user's are for the host (verify, the readiness gate, developers), so no container holds them.
  { name: 'nats_app_password', file: 'nats_app_password', reader: 'app', kind: 'random', needs: ['nats'] },
  { name: 'nats_publisher_password', file: 'nats_publisher_password', reader: 'nats', kind: 'random', needs: ['nats'], hostOnly: true },
  { name: 'nats_monitor_password', file: 'nats_monitor_password', reader: 'nats', kind: 'random', needs: ['nats'], hostOnly: true },
  { name: 'nats_system_password', file: 'nats_system_password', reader: 'nats', kind: 'random', needs: ['nats'], hostOnly: true },
  // nats-server reads only bcrypt hashes of the passwords above, in an accounts file rendered on this machine.
  { name: 'nats_accounts', file: 'nats_accounts.conf', reader: 'nats', kind: 'derived', needs: ['nats'] },
  // Prometheus' basic auth: the stack's user (its own healthcheck reads it inside the container too) and Grafana's.
  { name: 'prometheus_password', file: 'prometheus_password', reader: 'prometheus', kind: 'random', needs: ['prometheus'] },
  { name: 'prometheus_grafana_password', file: 'prometheus_grafana_password', reader: 'grafana', kind: 'random', needs: ['grafana', 'prometheus'] },
  // Prometheus reads only bcrypt hashes of the two, in a web.config.file rendered on this machine.
  { name: 'prometheus_web_config', file: 'prometheus_web.yml', reader: 'prometheus', kind: 'derived', needs: ['prometheus'] },
];

export function secretsFor(present: ReadonlySet<ServiceName>): SecretModel[] {
  return SECRET_SPECS.filter((s) => s.needs.every((n) => present.has(n))).map((s) => ({
    name: s.name,
    file: `${SECRETS_DIR}/${s.file}`,
    reader: s.reader,
    sharedWith: (s.sharedWith ?? []).filter((n) => present.has(n)),
    uid: SERVICE_CATALOG[s.reader].uid,
    gid: SERVICE_CATALOG[s.reader].gid,
    kind: s.kind,
    ...(s.hostOnly ? { hostOnly: true } : {}),
  }));
}

import { createHash } from 'node:crypto';
import { headerLines } from './generated-header';
import type { StackModel } from './stack-model';

export interface ClickhousePasswords {
  readonly app: string;
  /** Absent when the image set has no Grafana. */
  readonly grafana?: string;
  /** The offline set's exporter; absent in the registry set. */
  readonly exporter?: string;
}

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

/**
 * ClickHouse users.d file: the app user, Grafana's read-only user and the exporter's read-only system-tables user
 * with SHA-256 password hashes, and
 * the password-less default user confined to the container's loopback. It is derived from per-machine
 * secrets, so ensureSecrets writes it under secrets/ and never into committed configs/.
 */
export function renderClickhouseUsers(model: StackModel, passwords: ClickhousePasswords): string {
  const { app, grafana, exporter, database } = model.clickhouseUsers;
  const grafanaUser =
    passwords.grafana === undefined
      ? ''
      : `
        <${grafana}>
            <password_sha256_hex>${sha256(passwords.grafana)}</password_sha256_hex>
            <networks><ip>::/0</ip></networks>
            <profile>qraft_readonly</profile>
            <quota>default</quota>
        </${grafana}>`;
  // ClickHouse 18.16 has no per-table grants: the exporter is confined to the system database, read-only.
  const exporterUser =
    passwords.exporter === undefined
      ? ''
      : `
        <${exporter}>
            <password_sha256_hex>${sha256(passwords.exporter)}</password_sha256_hex>
            <networks><ip>::/0</ip></networks>
            <profile>qraft_system_reader</profile>
            <quota>default</quota>
            <allow_databases><database>system</database></allow_databases>
        </${exporter}>`;
  return `<?xml version="1.0"?>
<!--
${headerLines(model, `ClickHouse users (hashes of secrets/ passwords; the app uses database "${database}").`)
  .map((l) => `  ${l.replace(/--/g, '- -')}`)
  .join('\n')}
-->
<yandex>
    <profiles>
        <qraft_readonly>
            <!-- 2: read-only queries, but the client may still change settings (Grafana's plugin does). -->
            <readonly>2</readonly>
        </qraft_readonly>
        <qraft_system_reader>
            <!-- 1: read-only queries and no setting changes. -->
            <readonly>1</readonly>
        </qraft_system_reader>
    </profiles>
    <users>
        <!-- No password-less access from the network: default answers only inside its own container. -->
        <default>
            <networks replace="replace">
                <ip>::1</ip>
                <ip>127.0.0.1</ip>
            </networks>
        </default>
        <${app}>
            <password_sha256_hex>${sha256(passwords.app)}</password_sha256_hex>
            <networks><ip>::/0</ip></networks>
            <profile>default</profile>
            <quota>default</quota>
        </${app}>${grafanaUser}${exporterUser}
    </users>
</yandex>
`;
}

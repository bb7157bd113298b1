import { ProbeFailure, type ProbeOptions, type ProbeResult } from './probe-result';
import { parseUrl, runProbe } from './run-probe';

export interface ClickHouseProbeOptions extends ProbeOptions {
  /** HTTP interface, `http://host:8123` */
  readonly url: string;
  readonly user?: string;
  readonly password?: string;
  /** Database for the table check (default "default"). */
  readonly database?: string;
  /** When set, the table must exist in `database`, else the result is `degraded`. */
  readonly table?: string;
}

/**
 * `/ping`, an authenticated `SELECT 1`, and optionally a look-up in `system.tables`. Plain HTTP via fetch:
 * three requests need no client library, the error codes stay visible, and it works against
 * every ClickHouse version from 18.16 on.
 */
export function probeClickHouse(options: ClickHouseProbeOptions): Promise<ProbeResult> {
  return runProbe('clickhouse', options.url, options, async ({ signal }) => {
    const base = parseUrl(options.url, ['http:', 'https:'], 'clickhouse');
    const ping = await fetch(new URL('/ping', base), { signal });
    const pong = await ping.text();
    if (!ping.ok) {
      throw new ProbeFailure('down', `clickhouse at ${options.url}: /ping answered HTTP ${ping.status} — is this the HTTP port (8123)?`);
    }
    if (pong.trim() !== 'Ok.') {
      throw new ProbeFailure('down', `clickhouse at ${options.url}: /ping answered "${pong.trim().slice(0, 60)}", not "Ok." — is this the ClickHouse HTTP port?`);
    }
    const user = options.user ?? 'default';
    const query = async (sql: string): Promise<string> => {
      const url = new URL('/', base);
      url.searchParams.set('query', sql);
      const response = await fetch(url, {
        signal,
        headers: { 'X-ClickHouse-User': user, 'X-ClickHouse-Key': options.password ?? '' },
      });
      const body = await response.text();
      if (response.ok) return body.trim();
      // 516 AUTHENTICATION_FAILED (current), 192 UNKNOWN_USER / 193 WRONG_PASSWORD (18.x).
      if (/Code: (516|192|193)\b/.test(body) || response.status === 401 || response.status === 403) {
        throw new ProbeFailure(
          'down',
          `clickhouse at ${options.url} refused the credentials of user "${user}" — check QRAFT_CLICKHOUSE_USER and QRAFT_CLICKHOUSE_PASSWORD_FILE`,
          'answers /ping, authentication refused',
        );
      }
      // 195 IP_ADDRESS_NOT_ALLOWED: the user exists but may not connect from here (our `default` is locked to localhost).
      if (/Code: 195\b/.test(body)) {
        throw new ProbeFailure(
          'down',
          `clickhouse at ${options.url} does not let user "${user}" connect from this address — use the app user (QRAFT_CLICKHOUSE_USER=qraft_app) and its password file (QRAFT_CLICKHOUSE_PASSWORD_FILE=secrets/clickhouse_app_password)`,
          'answers /ping, user not allowed from this address',
        );
      }
      throw new ProbeFailure('down', `clickhouse at ${options.url}: "${sql}" failed with HTTP ${response.status}: ${body.trim().slice(0, 200)}`);
    };
    const one = await query('SELECT 1');
    if (one !== '1') throw new ProbeFailure('down', `clickhouse at ${options.url}: SELECT 1 answered "${one.slice(0, 60)}"`);
    let detail = `ping ok, SELECT 1 as "${user}" ok`;
    if (options.table) {
      const database = options.database ?? 'default';
      const exists = await query(
        `SELECT count() FROM system.tables WHERE database = ${quoteString(database)} AND name = ${quoteString(options.table)}`,
      );
      if (exists === '0') {
        throw new ProbeFailure(
          'degraded',
          `clickhouse at ${options.url}: table ${database}.${options.table} does not exist — run the schema migration or check the table name`,
          `${detail}, table ${database}.${options.table} missing`,
        );
      }
      detail += `, table ${database}.${options.table} present`;
    }
    return detail;
  });
}

function quoteString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

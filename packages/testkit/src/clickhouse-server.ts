import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, createHash } from 'node:crypto';
import { freePort } from './free-port';
import { requireBinary, ServerProcess } from './server-process';
import { TestServer } from './test-server';
import { httpOk } from './wait-for';

/** A real clickhouse-server (Debian's 18.16) on free loopback ports, with a password-protected user. */
export class ClickHouseTestServer extends TestServer {
  readonly name = 'clickhouse-server';
  readonly user = 'qraft';
  readonly password = randomBytes(12).toString('hex');
  protected readonly process: ServerProcess;
  protected readonly dir: string;

  private constructor(
    readonly httpPort: number,
    readonly tcpPort: number,
  ) {
    super();
    this.dir = mkdtempSync(join(tmpdir(), 'qraft-clickhouse-'));
    for (const sub of ['data', 'tmp', 'user_files', 'format_schemas']) mkdirSync(join(this.dir, sub));
    const sha = createHash('sha256').update(this.password).digest('hex');
    // <yandex> is the root element both 18.16 and current releases accept.
    writeFileSync(
      join(this.dir, 'config.xml'),
      `<yandex>
  <logger><level>warning</level><console>1</console></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${httpPort}</http_port>
  <tcp_port>${tcpPort}</tcp_port>
  <path>${this.dir}/data/</path>
  <tmp_path>${this.dir}/tmp/</tmp_path>
  <user_files_path>${this.dir}/user_files/</user_files_path>
  <format_schema_path>${this.dir}/format_schemas/</format_schema_path>
  <users_config>users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size>
</yandex>
`,
    );
    writeFileSync(
      join(this.dir, 'users.xml'),
      `<yandex>
  <profiles><default/></profiles>
  <quotas><default/></quotas>
  <users>
    <${this.user}>
      <password_sha256_hex>${sha}</password_sha256_hex>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </${this.user}>
  </users>
</yandex>
`,
    );
    this.process = new ServerProcess(
      this.name,
      requireBinary('clickhouse-server'),
      [`--config-file=${join(this.dir, 'config.xml')}`],
      this.dir,
    );
  }

  static async create(): Promise<ClickHouseTestServer> {
    return new ClickHouseTestServer(await freePort(), await freePort());
  }

  get url(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  isReady(): Promise<boolean> {
    return httpOk(`${this.url}/ping`);
  }
}

/** Starts a real ClickHouse server and waits until it answers /ping. */
export async function startClickHouse(): Promise<ClickHouseTestServer> {
  return (await ClickHouseTestServer.create()).start(60_000);
}

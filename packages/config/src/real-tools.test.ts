import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPromtool } from '../test/promtool';
import { runConfigCli } from './cli';
import { ensureSecrets } from './ensure-secrets';
import { loadStack } from './load-stack';

const quiet = { out: () => undefined, err: () => undefined };
const has = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;

/** Runs a test only where the tool exists; otherwise skips it and says why (never a silent pass). */
function withTool(present: boolean, tool: string) {
  if (!present) console.warn(`skipped: ${tool} is not installed on this host (\`nx run infra:engine\` installs it)`);
  return present ? it : it.skip;
}

const COMPOSE_FILES = ['docker-compose.yml', 'configs/compose/dev.registry.yml', 'configs/compose/prod.registry.yml', 'configs/compose/dev.offline.yml', 'configs/compose/prod.offline.yml'];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('the rendered files, checked by the real tools', () => {
  let root: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'qraft-tools-'));
    expect(await runConfigCli(['generate', '--out', root], {}, quiet)).toBe(0);
    ensureSecrets(root, loadStack({ imageSet: 'registry' }));
    // The offline set's users file (last written) has the exporter's read-only user too.
    ensureSecrets(root, loadStack({ imageSet: 'offline' }));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  withTool(has('docker', ['compose', 'version']), 'docker compose v2')('docker compose config -q accepts every compose file', () => {
    for (const file of COMPOSE_FILES) {
      const r = spawnSync('docker', ['compose', '-p', `qraftcfg${randomBytes(4).toString('hex')}`, '-f', join(root, file), 'config', '-q'], { encoding: 'utf8' });
      expect({ file, stderr: r.stderr, status: r.status }).toEqual({ file, stderr: '', status: 0 });
    }
  });

  // podman-compose 1.0.3 has no `config` command: --dry-run up parses the file and translates every
  // service into podman arguments without starting anything; only its networks get created (removed after).
  withTool(has('podman-compose', ['version']), 'podman-compose')('podman-compose 1.0.3 translates every compose file (dry run)', () => {
    for (const file of COMPOSE_FILES) {
      const project = `qraftcfg${randomBytes(4).toString('hex')}`;
      try {
        const r = spawnSync('podman-compose', ['--dry-run', '-p', project, '-f', join(root, file), 'up', '-d', '--no-build'], { encoding: 'utf8' });
        expect({ file, status: r.status, error: /Error|Traceback/.test(r.stderr) ? r.stderr : '' }).toEqual({ file, status: 0, error: '' });
        expect(r.stdout).toContain("--healthcheck-command /bin/sh -c 'wget -q -O /dev/null http://127.0.0.1:8222/healthz'");
        expect(r.stdout).toMatch(/--volume \.\.?\/[^ ]*secrets\/clickhouse_app_password:\/run\/secrets\/clickhouse_app_password:ro/);
      } finally {
        spawnSync('podman', ['network', 'rm', '-f', `${project}_frontend`, `${project}_backend`], { stdio: 'ignore' });
      }
    }
  });

  const promtool = findPromtool();
  if (promtool.skipReason) console.warn(`SKIPPED promtool check config: ${promtool.skipReason}`);
  (promtool.path ? it : it.skip)('promtool check config accepts prometheus.yml and its alert rules', () => {
    for (const set of ['registry', 'offline']) {
      const r = spawnSync(promtool.path!, ['check', 'config', join(root, `configs/prometheus/${set}/prometheus.yml`)], { encoding: 'utf8' });
      expect({ set, status: r.status, out: r.status === 0 ? '' : r.stdout + r.stderr }).toEqual({ set, status: 0, out: '' });
    }
  });

  (promtool.path ? it : it.skip)("promtool check web-config accepts Prometheus' generated web config", () => {
    const r = spawnSync(promtool.path!, ['check', 'web-config', join(root, 'secrets/prometheus_web.yml')], { encoding: 'utf8' });
    expect({ status: r.status, out: r.stdout + r.stderr }).toEqual({ status: 0, out: expect.stringContaining('SUCCESS') });
  });

  withTool(has('nats-server', ['--version']), 'nats-server')('nats-server -t accepts nats-server.conf with the accounts file where the container mounts it', () => {
    // The config includes ../../run/secrets/nats_accounts.conf relative to /etc/nats: the same layout here.
    const dir = join(root, 'nats-layout');
    mkdirSync(join(dir, 'etc/nats'), { recursive: true });
    mkdirSync(join(dir, 'run/secrets'), { recursive: true });
    copyFileSync(join(root, 'configs/nats/registry/nats-server.conf'), join(dir, 'etc/nats/nats-server.conf'));
    copyFileSync(join(root, 'secrets/nats_accounts.conf'), join(dir, 'run/secrets/nats_accounts.conf'));
    const r = spawnSync('nats-server', ['-t', '-c', join(dir, 'etc/nats/nats-server.conf')], { encoding: 'utf8' });
    expect(r.stderr + r.stdout).toContain('is valid');
  });

  const clickhouseBinary = ['/usr/bin/clickhouse-server', '/usr/sbin/clickhouse-server'].find((p) => existsSync(p));
  withTool(clickhouseBinary !== undefined && existsSync('/etc/clickhouse-server/config.xml'), 'clickhouse-server 18.16')(
    'ClickHouse 18.16 boots with the offline config; the app user answers SELECT 1 with its password, default is refused from the network',
    async () => {
      const dir = join(root, 'clickhouse-run');
      mkdirSync(join(dir, 'etc/config.d'), { recursive: true });
      mkdirSync(join(dir, 'etc/users.d'), { recursive: true });
      copyFileSync('/etc/clickhouse-server/config.xml', join(dir, 'etc/config.xml'));
      copyFileSync('/etc/clickhouse-server/users.xml', join(dir, 'etc/users.xml'));
      copyFileSync(join(root, 'configs/clickhouse/offline/qraft.xml'), join(dir, 'etc/config.d/qraft.xml'));
      copyFileSync(join(root, 'secrets/clickhouse_users.xml'), join(dir, 'etc/users.d/qraft-users.xml'));
      const [http, tcp, inter] = [await freePort(), await freePort(), await freePort()];
      // Test-only overrides: free ports and paths inside the temp dir instead of the container's.
      writeFileSync(
        join(dir, 'etc/config.d/zz-test.xml'),
        `<yandex><http_port>${http}</http_port><tcp_port>${tcp}</tcp_port><interserver_http_port>${inter}</interserver_http_port>` +
          `<path>${dir}/data/</path><tmp_path>${dir}/data/tmp/</tmp_path><user_files_path>${dir}/data/user_files/</user_files_path>` +
          `<format_schema_path>${dir}/data/fs/</format_schema_path><logger><log>${dir}/log/ch.log</log><errorlog>${dir}/log/ch.err.log</errorlog></logger></yandex>`,
      );
      const server: ChildProcess = spawn(clickhouseBinary!, [`--config-file=${dir}/etc/config.xml`], { cwd: dir, stdio: 'ignore' });
      try {
        const password = readFileSync(join(root, 'secrets/clickhouse_app_password'), 'utf8').trim();
        const query = async (user: string, pass: string) => {
          const res = await fetch(`http://127.0.0.1:${http}/?query=SELECT%201`, {
            headers: { 'X-ClickHouse-User': user, 'X-ClickHouse-Key': pass },
          });
          return { status: res.status, body: (await res.text()).trim() };
        };
        const deadline = Date.now() + 30_000;
        while (Date.now() < deadline) {
          const up = await fetch(`http://127.0.0.1:${http}/ping`).then((r) => r.ok, () => false);
          if (up) break;
          await new Promise((r) => setTimeout(r, 200));
        }
        expect(await query('qraft_app', password)).toEqual({ status: 200, body: '1' });
        expect((await query('qraft_app', 'wrong')).body).toMatch(/Wrong password/);
        // 127.0.0.5 is loopback but not in the default user's networks (::1, 127.0.0.1): it stands in for the network.
        // Node's own client binds the source address, so this check needs no curl and always runs.
        const fromOtherAddress = await new Promise<string>((resolve, reject) => {
          get({ host: '127.0.0.1', port: http, path: '/?query=SELECT%201', localAddress: '127.0.0.5' }, (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => (body += chunk));
            res.on('end', () => resolve(body));
          }).on('error', reject);
        });
        expect(fromOtherAddress).toMatch(/User default is not allowed to connect from address/);

        // The exporter's own user reads the system tables it scrapes and nothing else, and changes nothing.
        const exporter = readFileSync(join(root, 'secrets/clickhouse_exporter_password'), 'utf8').trim();
        const asExporter = async (sql: string) => {
          const res = await fetch(`http://127.0.0.1:${http}/?query=${encodeURIComponent(sql)}`, {
            headers: { 'X-ClickHouse-User': 'qraft_exporter', 'X-ClickHouse-Key': exporter },
          });
          return { status: res.status, body: (await res.text()).trim() };
        };
        for (const table of ['events', 'metrics', 'asynchronous_metrics']) {
          expect({ table, status: (await asExporter(`SELECT count() > 0 FROM system.${table}`)).status }).toEqual({ table, status: 200 });
        }
        expect((await asExporter('CREATE DATABASE exporter_was_here')).body).toMatch(/readonly mode|Cannot execute query in readonly mode/i);
        expect((await asExporter('SELECT count() FROM default.anything')).body).toMatch(/Access denied to database default/);
        expect((await asExporter('SELECT 1 SETTINGS readonly = 0')).status).not.toBe(200);
      } finally {
        server.kill('SIGTERM');
        await new Promise((resolve) => (server.exitCode !== null ? resolve(undefined) : server.once('exit', resolve)));
      }
      expect(execFileSync('sh', ['-c', `grep -c "Listening http://0.0.0.0:${http}" ${dir}/log/ch.log`], { encoding: 'utf8' }).trim()).toBe('1');
    },
    60_000,
  );
});

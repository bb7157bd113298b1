import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareSync, getRounds, hashSync } from 'bcryptjs';
import { parse } from 'yaml';
import { ensureSecrets } from './ensure-secrets';
import { loadStack } from './load-stack';

describe('ensureSecrets', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'qraft-secrets-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('creates random secrets with mode 0600, owned by the reading service when root', () => {
    const result = ensureSecrets(root, loadStack({ imageSet: 'registry' }));
    expect(result.created).toEqual(expect.arrayContaining(['secrets/clickhouse_app_password', 'secrets/grafana_admin_password', 'secrets/clickhouse_users.xml']));
    const stat = statSync(join(root, 'secrets/clickhouse_app_password'));
    expect(stat.mode & 0o777).toBe(0o600);
    if (process.getuid?.() === 0) {
      expect(stat.uid).toBe(1000);
      expect(statSync(join(root, 'secrets/clickhouse_users.xml')).uid).toBe(101);
    }
    expect(readFileSync(join(root, 'secrets/clickhouse_app_password'), 'utf8').trim()).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('never regenerates an existing secret and re-derives the users file only when a password changes', () => {
    const model = loadStack({ imageSet: 'registry' });
    ensureSecrets(root, model);
    const password = readFileSync(join(root, 'secrets/clickhouse_app_password'), 'utf8');
    const again = ensureSecrets(root, model);
    expect(again.created).toEqual([]);
    expect(again.updated).toEqual([]);
    expect(readFileSync(join(root, 'secrets/clickhouse_app_password'), 'utf8')).toBe(password);

    writeFileSync(join(root, 'secrets/clickhouse_app_password'), 'a-new-password-by-hand\n');
    expect(ensureSecrets(root, model).updated).toEqual(['secrets/clickhouse_users.xml']);
    expect(readFileSync(join(root, 'secrets/clickhouse_users.xml'), 'utf8')).not.toContain('a-new-password-by-hand');
  });

  it('creates only what the offline set needs (no Grafana credentials)', () => {
    const result = ensureSecrets(root, loadStack({ imageSet: 'offline' }));
    expect(result.created.sort()).toEqual([
      'secrets/clickhouse_app_password',
      'secrets/clickhouse_exporter_password',
      'secrets/clickhouse_users.xml',
      'secrets/nats_accounts.conf',
      'secrets/nats_app_password',
      'secrets/nats_monitor_password',
      'secrets/nats_publisher_password',
      'secrets/nats_system_password',
      'secrets/prometheus_password',
      'secrets/prometheus_web.yml',
    ]);
  });

  it("writes Prometheus' web config with bcrypt hashes that verify, and never the passwords", () => {
    const model = loadStack({ imageSet: 'registry' });
    ensureSecrets(root, model);
    const web = parse(readFileSync(join(root, 'secrets/prometheus_web.yml'), 'utf8')) as { basic_auth_users: Record<string, string> };
    const password = (file: string) => readFileSync(join(root, 'secrets', file), 'utf8').trim();
    expect(Object.keys(web.basic_auth_users).sort()).toEqual(['grafana', 'qraft']);
    expect(compareSync(password('prometheus_password'), web.basic_auth_users['qraft']!)).toBe(true);
    expect(compareSync(password('prometheus_grafana_password'), web.basic_auth_users['grafana']!)).toBe(true);
    const text = readFileSync(join(root, 'secrets/prometheus_web.yml'), 'utf8');
    expect(text).not.toContain(password('prometheus_password'));
    expect(statSync(join(root, 'secrets/prometheus_web.yml')).mode & 0o777).toBe(0o600);
    if (process.getuid?.() === 0) expect(statSync(join(root, 'secrets/prometheus_web.yml')).uid).toBe(65534);
  });

  it('keeps the web config byte for byte while its passwords stay, and re-hashes only the one that changed', () => {
    const model = loadStack({ imageSet: 'registry' });
    ensureSecrets(root, model);
    const before = parse(readFileSync(join(root, 'secrets/prometheus_web.yml'), 'utf8')) as { basic_auth_users: Record<string, string> };
    expect(ensureSecrets(root, model).kept).toContain('secrets/prometheus_web.yml');

    writeFileSync(join(root, 'secrets/prometheus_password'), 'a-new-password-by-hand\n');
    expect(ensureSecrets(root, model).updated).toEqual(['secrets/prometheus_web.yml']);
    const after = parse(readFileSync(join(root, 'secrets/prometheus_web.yml'), 'utf8')) as { basic_auth_users: Record<string, string> };
    expect(compareSync('a-new-password-by-hand', after.basic_auth_users['qraft']!)).toBe(true);
    expect(after.basic_auth_users['grafana']).toBe(before.basic_auth_users['grafana']);
  });

  it('remembers which hashes matched (secrets/.bcrypt-verified, 0600) and still re-hashes one edited by hand', () => {
    const model = loadStack({ imageSet: 'registry' });
    ensureSecrets(root, model);
    const verified = join(root, 'secrets/.bcrypt-verified');
    expect(statSync(verified).mode & 0o777).toBe(0o600);
    // Four NATS users and two Prometheus users, one fingerprint each, and no password in it.
    const lines = readFileSync(verified, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(6);
    const password = readFileSync(join(root, 'secrets/nats_app_password'), 'utf8').trim();
    expect(readFileSync(verified, 'utf8')).not.toContain(password);

    // A hash replaced by hand (here: of another password) is not in the remembered pairs: compared, refused, re-made.
    const accounts = join(root, 'secrets/nats_accounts.conf');
    const edited = readFileSync(accounts, 'utf8').replace(/(user: "qraft_app", password: ")[^"]+/, `$1${hashSync('not-the-password', 4)}`);
    writeFileSync(accounts, edited);
    expect(ensureSecrets(root, model).updated).toEqual(['secrets/nats_accounts.conf']);
    const hash = /user: "qraft_app", password: "([^"]+)"/.exec(readFileSync(accounts, 'utf8'))![1]!;
    expect(compareSync(password, hash)).toBe(true);
  });

  it('makes a hash of another bcrypt cost again once (hashes from before the cost came down to 4), then keeps it', () => {
    const model = loadStack({ imageSet: 'registry' });
    ensureSecrets(root, model);
    const accounts = join(root, 'secrets/nats_accounts.conf');
    const password = readFileSync(join(root, 'secrets/nats_app_password'), 'utf8').trim();
    const appHash = () => /user: "qraft_app", password: "([^"]+)"/.exec(readFileSync(accounts, 'utf8'))![1]!;
    writeFileSync(accounts, readFileSync(accounts, 'utf8').replace(appHash(), hashSync(password, 10)));
    expect(ensureSecrets(root, model).updated).toEqual(['secrets/nats_accounts.conf']);
    expect(getRounds(appHash())).toBe(4);
    expect(compareSync(password, appHash())).toBe(true);
    expect(ensureSecrets(root, model).kept).toContain('secrets/nats_accounts.conf');
  });
});

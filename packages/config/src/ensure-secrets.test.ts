import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
      'secrets/clickhouse_users.xml',
      'secrets/nats_accounts.conf',
      'secrets/nats_app_password',
      'secrets/nats_monitor_password',
      'secrets/nats_publisher_password',
      'secrets/nats_system_password',
    ]);
  });
});

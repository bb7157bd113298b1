import bcrypt from 'bcryptjs';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ensureSecrets } from './ensure-secrets';
import { loadStack } from './load-stack';
import { renderCompose } from './render-compose';
import { natsPermissions } from './render-nats-accounts';

describe('NATS accounts generated on first use', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'qraft-nats-secrets-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  const read = (file: string) => readFileSync(join(root, 'secrets', file), 'utf8');

  it('writes four passwords and an accounts file of bcrypt hashes that match them, all mode 0600, no password in the clear', () => {
    ensureSecrets(root, loadStack({ imageSet: 'offline' }));
    const accounts = read('nats_accounts.conf');
    for (const [file, user] of [['nats_app_password', 'qraft_app'], ['nats_publisher_password', 'qraft_publisher'], ['nats_monitor_password', 'qraft_monitor'], ['nats_system_password', 'qraft_system']] as const) {
      const password = read(file).trimEnd();
      expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(accounts).not.toContain(password);
      const hash = new RegExp(`user: "${user}", password: "([^"]+)"`).exec(accounts)?.[1];
      expect({ user, matches: hash !== undefined && bcrypt.compareSync(password, hash) }).toEqual({ user, matches: true });
      expect(statSync(join(root, 'secrets', file)).mode & 0o777).toBe(0o600);
    }
    expect(statSync(join(root, 'secrets/nats_accounts.conf')).mode & 0o777).toBe(0o600);
    expect(accounts).toContain('system_account: SYS');
  });

  it('keeps the accounts file byte for byte on a second run and re-hashes only when a password changes', () => {
    const model = loadStack({ imageSet: 'offline' });
    ensureSecrets(root, model);
    const before = read('nats_accounts.conf');
    expect(ensureSecrets(root, model).updated).toEqual([]);
    expect(read('nats_accounts.conf')).toBe(before);

    writeFileSync(join(root, 'secrets/nats_publisher_password'), 'a-new-publisher-password\n');
    expect(ensureSecrets(root, model).updated).toEqual(['secrets/nats_accounts.conf']);
    const after = read('nats_accounts.conf');
    const hashOf = (text: string, user: string) => new RegExp(`user: "${user}", password: "([^"]+)"`).exec(text)?.[1];
    expect(hashOf(after, 'qraft_app')).toBe(hashOf(before, 'qraft_app'));
    expect(bcrypt.compareSync('a-new-publisher-password', hashOf(after, 'qraft_publisher')!)).toBe(true);
  });

  it('mounts only the app password into the app and only the accounts file into nats; the host-only passwords into nothing', () => {
    for (const imageSet of ['offline', 'registry'] as const) {
      const model = loadStack({ imageSet });
      const compose = parse(renderCompose(model)) as { services: Record<string, { secrets?: Array<string | { source: string }> }>; secrets: Record<string, unknown> };
      const mounts = Object.fromEntries(
        Object.entries(compose.services).map(([name, s]) => [name, (s.secrets ?? []).map((x) => (typeof x === 'string' ? x : x.source)).filter((x) => x.startsWith('nats_'))]),
      );
      expect(mounts).toMatchObject({ app: ['nats_app_password'], nats: ['nats_accounts'] });
      const everywhere = Object.values(mounts).flat();
      for (const hostOnly of ['nats_publisher_password', 'nats_monitor_password', 'nats_system_password']) {
        expect(everywhere).not.toContain(hostOnly);
        expect(Object.keys(compose.secrets)).not.toContain(hostOnly);
      }
    }
  });

  it('gives the publisher no JetStream API subject and the app no delete or purge', () => {
    const p = natsPermissions();
    expect(p.publisher.publish).toEqual(['qraft.events.>', 'qraft.batch.>']);
    expect(p.publisher.publish.concat(p.publisher.subscribe).some((s) => s.startsWith('$JS'))).toBe(false);
    expect(p.app.publish.filter((s) => /DELETE|PURGE/.test(s))).toEqual([]);
    expect(p.monitor.publish.every((s) => /^\$JS\.API\.(INFO|STREAM\.(NAMES|LIST|INFO\.\*)|CONSUMER\.(NAMES|LIST|INFO)\.)/.test(s))).toBe(true);
  });
});

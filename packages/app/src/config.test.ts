import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfigError, loadConfig } from './config';
import { usableCpus } from './cpu-limit';

describe('loadConfig', () => {
  it('defaults everything when the environment is empty', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ natsUrl: 'nats://127.0.0.1:4222', httpPort: 8080, clickhouseDatabase: 'qraft', logDir: undefined });
  });

  it('lists every problem in one message', () => {
    let error: unknown;
    try {
      loadConfig({
        QRAFT_NATS_URL: 'http://nats:4222',
        QRAFT_CLICKHOUSE_URL: 'not a url',
        QRAFT_HTTP_PORT: '99999',
        QRAFT_CLICKHOUSE_PASSWORD_FILE: '/nonexistent/secret',
        QRAFT_LOG_LEVEL: 'loud',
        QRAFT_BATCH_MAX_SIZE: 'many',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/^invalid configuration \(6 problems\):/);
    for (const name of ['QRAFT_NATS_URL', 'QRAFT_CLICKHOUSE_URL', 'QRAFT_HTTP_PORT', 'QRAFT_CLICKHOUSE_PASSWORD_FILE', 'QRAFT_LOG_LEVEL', 'QRAFT_BATCH_MAX_SIZE']) {
      expect(message).toContain(name);
    }
    expect((error as AppConfigError).problems).toHaveLength(6);
  });

  it('reads the NATS user and its password from a secret file without its trailing newline', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qraft-config-'));
    writeFileSync(join(dir, 'nats'), 'n4ts-secret\n');
    expect(loadConfig({ QRAFT_NATS_USER: 'qraft_app', QRAFT_NATS_PASSWORD_FILE: join(dir, 'nats'), QRAFT_NATS_INBOX_PREFIX: '_INBOX_qraft_app' })).toMatchObject({
      natsUser: 'qraft_app',
      natsPassword: 'n4ts-secret',
      natsInboxPrefix: '_INBOX_qraft_app',
    });
    expect(loadConfig({})).toMatchObject({ natsUser: undefined, natsPassword: undefined, natsInboxPrefix: '_INBOX' });
  });

  it.each([
    [{ QRAFT_NATS_USER: 'qraft_app', QRAFT_NATS_PASSWORD_FILE: '/nonexistent/nats' }, 'QRAFT_NATS_PASSWORD_FILE=/nonexistent/nats cannot be read (ENOENT) — mount the secret there or fix the path'],
    [{ QRAFT_NATS_USER: 'qraft_app' }, 'QRAFT_NATS_USER="qraft_app" has no password — set QRAFT_NATS_PASSWORD_FILE to the file that holds it'],
    [{ QRAFT_NATS_PASSWORD: 'x' }, 'a NATS password is set but QRAFT_NATS_USER is not — set QRAFT_NATS_USER to the user the password belongs to'],
    [{ QRAFT_NATS_USER: 'u', QRAFT_NATS_PASSWORD: 'x', QRAFT_NATS_PASSWORD_FILE: '/dev/null' }, 'QRAFT_NATS_PASSWORD and QRAFT_NATS_PASSWORD_FILE are both set — keep only one'],
    [{ QRAFT_NATS_INBOX_PREFIX: '_INBOX.>' }, 'QRAFT_NATS_INBOX_PREFIX="_INBOX.>" must be NATS subject tokens without wildcards (e.g. _INBOX_qraft_app)'],
  ])('refuses NATS credentials %j with a message naming the setting and the fix', (env, problem) => {
    expect(() => loadConfig(env)).toThrow(AppConfigError);
    try {
      loadConfig(env);
    } catch (error) {
      expect((error as AppConfigError).problems).toContain(problem);
    }
  });

  it.each([
    ['QRAFT_CLICKHOUSE_URL', 'http://qraft_app:s3cret@clickhouse:8123', 'QRAFT_CLICKHOUSE_URL="http://clickhouse:8123/" carries a user or password (user:password@) — take them out of the URL and set QRAFT_CLICKHOUSE_USER and QRAFT_CLICKHOUSE_PASSWORD_FILE'],
    ['QRAFT_NATS_URL', 'nats://app:s3cret@nats:4222', 'QRAFT_NATS_URL="nats://nats:4222" carries a user or password (user:password@) — take them out of the URL and set QRAFT_NATS_USER and QRAFT_NATS_PASSWORD_FILE'],
    ['QRAFT_NATS_URL', 'http://app:s3cret@nats:4222', 'QRAFT_NATS_PASSWORD_FILE'],
  ])('refuses %s with credentials in it, naming the variables to use, without repeating the password', (name, value, message) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppConfigError);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain('s3cret');
  });

  it('reads the ClickHouse password from a secret file without its trailing newline', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qraft-config-'));
    writeFileSync(join(dir, 'pw'), 's3cret\n');
    expect(loadConfig({ QRAFT_CLICKHOUSE_PASSWORD_FILE: join(dir, 'pw') }).clickhousePassword).toBe('s3cret');
  });

  it('refuses an ack wait shorter than the batch wait', () => {
    expect(() => loadConfig({ QRAFT_ACK_WAIT_MS: '1000', QRAFT_BATCH_MAX_WAIT_MS: '2000' })).toThrow(/QRAFT_ACK_WAIT_MS .* must be longer/);
  });

  it('reads the envelope limits and refuses an envelope smaller than one event', () => {
    expect(loadConfig({})).toMatchObject({ envelopeMaxEvents: 1_000, envelopeMaxBytes: 1_048_576 });
    expect(loadConfig({ QRAFT_ENVELOPE_MAX_EVENTS: '50', QRAFT_ENVELOPE_MAX_BYTES: '262144' })).toMatchObject({ envelopeMaxEvents: 50, envelopeMaxBytes: 262_144 });
    expect(() => loadConfig({ QRAFT_ENVELOPE_MAX_BYTES: '4096', QRAFT_EVENT_MAX_BYTES: '8192' })).toThrow(/QRAFT_ENVELOPE_MAX_BYTES \(4096\) must not be below QRAFT_EVENT_MAX_BYTES/);
    expect(() => loadConfig({ QRAFT_ENVELOPE_MAX_EVENTS: '0' })).toThrow(/QRAFT_ENVELOPE_MAX_EVENTS/);
  });

  it('reads the number of envelope decode workers, auto by default (one with two CPUs or more), and refuses garbage naming the variable', () => {
    const auto = usableCpus() >= 2 ? 1 : 0;
    expect(loadConfig({}).decodeWorkers).toBe(auto);
    expect(loadConfig({ QRAFT_DECODE_WORKERS: 'auto' }).decodeWorkers).toBe(auto);
    expect(loadConfig({ QRAFT_DECODE_WORKERS: ' AUTO ' }).decodeWorkers).toBe(auto);
    expect(loadConfig({ QRAFT_DECODE_WORKERS: '0' }).decodeWorkers).toBe(0);
    expect(loadConfig({ QRAFT_DECODE_WORKERS: '2' }).decodeWorkers).toBe(2);
    expect(() => loadConfig({ QRAFT_DECODE_WORKERS: '-1' })).toThrow(/QRAFT_DECODE_WORKERS="-1" must be auto \(1 with 2 or more CPUs, else 0\) or an integer from 0 to 16/);
    expect(() => loadConfig({ QRAFT_DECODE_WORKERS: 'many' })).toThrow(/QRAFT_DECODE_WORKERS="many" must be auto/);
    expect(() => loadConfig({ QRAFT_DECODE_WORKERS: '1.5' })).toThrow(/QRAFT_DECODE_WORKERS="1.5" must be auto/);
  });
});

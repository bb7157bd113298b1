import { generatedFiles, loadStack, renderClickhouseUsers, renderCompose } from '@qraft/config';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { defaultUserProblems } from './clickhouse-users';
import { findSecretValues } from './find-secret-values';
import { findSecretsInFiles } from './scan-files';
import { secretsForScan, type ScanSecrets } from './scan-secrets';
import { CREDENTIAL_ASSIGNMENT } from './secret-values';

// The compose files' own security rules (CIS 4.1 … 5.31) are part of config's validation: packages/config/src/security-rules.ts.
const ROOT = resolve(__dirname, '../../..');
const VARIANTS = ['dev', 'prod'] as const;
const IMAGE_SETS = ['registry', 'offline'] as const;

/** Every compose file the stack can run with: freshly rendered, and as committed. */
const DOCUMENTS = [
  ...VARIANTS.flatMap((variant) => IMAGE_SETS.map((imageSet) => ({ name: `rendered ${variant}.${imageSet}`, text: renderCompose(loadStack({ variant, imageSet })) }))),
  ...VARIANTS.flatMap((variant) => IMAGE_SETS.map((imageSet) => ({ name: `configs/compose/${variant}.${imageSet}.yml`, text: readFileSync(join(ROOT, `configs/compose/${variant}.${imageSet}.yml`), 'utf8') }))),
  { name: 'docker-compose.yml', text: readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8') },
];

describe('CIS 4.10 no secret values in rendered files or logs — with throwaway secrets when secrets/ does not exist', () => {
  let scan: ScanSecrets;
  let rendered: string;
  beforeAll(() => {
    scan = secretsForScan(ROOT);
    // Said once per run, so a reader of CI's log knows which secrets were looked for.
    console.info(`secret scan: ${scan.values.size} values from ${scan.source === 'workspace' ? 'secrets/ (and any it lacks, generated now)' : 'a throwaway set generated now (secrets/ does not exist)'}`);
    rendered = mkdtempSync(join(tmpdir(), 'qraft-rendered-'));
    for (const f of generatedFiles()) {
      mkdirSync(dirname(join(rendered, f.path)), { recursive: true });
      writeFileSync(join(rendered, f.path), f.content);
    }
  });
  afterAll(() => {
    scan[Symbol.dispose]();
    rmSync(rendered, { recursive: true, force: true });
  });

  it("looks for every secret there is: each password, ClickHouse's password hashes and Prometheus' bcrypt hashes", () => {
    const names = [...scan.values.keys()].join('\n');
    // A throwaway set has every secret of both image sets; a workspace has those of the sets it brought up.
    const passwords =
      scan.source === 'throwaway'
        ? ['clickhouse_app_password', 'clickhouse_exporter_password', 'clickhouse_grafana_password', 'grafana_admin_password', 'prometheus_password', 'prometheus_grafana_password']
        : readdirSync(join(ROOT, 'secrets')).filter((f) => f.endsWith('_password'));
    expect(passwords.length).toBeGreaterThan(0);
    for (const file of passwords) expect(names).toContain(`secrets/${file}`);
    expect(names).toMatch(/clickhouse_users\.xml <password_sha256_hex>/);
    expect(names).toMatch(/prometheus_web\.yml hash of qraft/);
  });

  it('no secret value appears in a compose file, committed or freshly rendered', () => {
    for (const d of DOCUMENTS) expect({ file: d.name, found: findSecretValues(d.text, scan.values) }).toEqual({ file: d.name, found: [] });
  });

  it('no secret value appears in any rendered file: configs/ as committed, a fresh render, .env.example', () => {
    expect(findSecretsInFiles(join(ROOT, 'configs'), scan.values, ROOT, ['secrets'])).toEqual([]);
    expect(findSecretsInFiles(rendered, scan.values, rendered, ['secrets'])).toEqual([]);
    expect(findSecretValues(readFileSync(join(ROOT, '.env.example'), 'utf8'), scan.values)).toEqual([]);
  });

  it('no secret value appears in a log under logs/', () => {
    expect(findSecretsInFiles(join(ROOT, 'logs'), scan.values, ROOT)).toEqual([]);
  });

  it('fails when a secret value is planted in a rendered file, naming the file, the secret and the line, never the value', () => {
    const [name, value] = [...scan.values].find(([n]) => n === 'secrets/prometheus_password')!;
    const file = join(rendered, 'configs/compose/dev.offline.yml');
    const before = readFileSync(file, 'utf8');
    try {
      writeFileSync(file, `${before}# QRAFT_PROMETHEUS_PASSWORD: ${value}\n`);
      const found = findSecretsInFiles(rendered, scan.values, rendered, ['secrets']);
      expect(found).toEqual([`configs/compose/dev.offline.yml: ${name} on line ${before.split('\n').length}`]);
      expect(found.join('')).not.toContain(value);
    } finally {
      writeFileSync(file, before);
    }
  });

  it('fails when a secret value is planted in a log under logs/', () => {
    const logs = mkdtempSync(join(tmpdir(), 'qraft-planted-logs-'));
    try {
      const [name, value] = [...scan.values].find(([n]) => n === 'secrets/clickhouse_app_password')!;
      mkdirSync(join(logs, 'logs/app'), { recursive: true });
      writeFileSync(join(logs, 'logs/app/app.log'), `{"msg":"started"}\n{"msg":"connecting","url":"http://qraft_app:${value}@clickhouse:8123"}\n`);
      expect(findSecretsInFiles(join(logs, 'logs'), scan.values, logs)).toEqual([`logs/app/app.log: ${name} on line 2`]);
    } finally {
      rmSync(logs, { recursive: true, force: true });
    }
  });

  it('no compose file assigns a literal password= or secret=', () => {
    for (const d of DOCUMENTS) expect({ file: d.name, match: CREDENTIAL_ASSIGNMENT.exec(d.text)?.[0] }).toEqual({ file: d.name, match: undefined });
  });

  it('catches a secret value and a literal password= written into a compose file', () => {
    const leaky = `${DOCUMENTS[0]!.text}\n# QRAFT_CLICKHOUSE_PASSWORD=s3cr3t-value-123\n`;
    expect(findSecretValues(leaky, new Map([['secrets/test', 's3cr3t-value-123']]))).toEqual([`secrets/test on line ${leaky.split('\n').length - 1}`]);
    expect(CREDENTIAL_ASSIGNMENT.exec(leaky)?.[0]).toBe('PASSWORD=s3cr3t-value-123');
    expect(CREDENTIAL_ASSIGNMENT.test('password=${QRAFT_PASSWORD} secret: "" GF_SECURITY_ADMIN_PASSWORD__FILE: "/run/secrets/x"')).toBe(false);
  });
});

describe('ClickHouse default user locked down (the runtime refusal is tested in packages/config real-tools.test.ts)', () => {
  const users = (imageSet: 'registry' | 'offline') => renderClickhouseUsers(loadStack({ imageSet }), { app: 'a'.repeat(32), grafana: imageSet === 'registry' ? 'g'.repeat(32) : undefined });

  it.each(IMAGE_SETS)('the rendered users file of the %s set lets default connect only from loopback', (imageSet) => {
    expect(defaultUserProblems(users(imageSet))).toEqual([]);
  });

  it('catches a default user open to the network, merged with the packaged networks, or not configured at all', () => {
    expect(defaultUserProblems(users('offline').replace('<ip>127.0.0.1</ip>', '<ip>::/0</ip>'))).toEqual(['the default user may connect from ::/0 — allow only ::1 and 127.0.0.1']);
    expect(defaultUserProblems(users('offline').replace(' replace="replace"', ''))).toEqual([expect.stringContaining('add replace="replace"')]);
    expect(defaultUserProblems(users('offline').replace(/<default>[\s\S]*?<\/default>/, ''))).toEqual([expect.stringContaining('does not configure the default user')]);
  });
});

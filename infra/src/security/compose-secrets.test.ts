import { loadStack, renderClickhouseUsers, renderCompose } from '@qraft/config';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defaultUserProblems } from './clickhouse-users';
import { findSecretValues } from './find-secret-values';
import { CREDENTIAL_ASSIGNMENT, workspaceSecrets } from './secret-values';

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

describe('CIS 4.10 no secret values in compose files', () => {
  const secrets = workspaceSecrets(ROOT);
  const itWithSecrets = secrets.size > 0 ? it : it.skip;
  if (secrets.size === 0) console.warn('skipped the secret-value scan of the compose files: secrets/ does not exist yet (`nx run infra:up` creates it)');

  itWithSecrets('no value from secrets/ appears in a committed compose file', () => {
    for (const d of DOCUMENTS) expect({ file: d.name, found: findSecretValues(d.text, secrets) }).toEqual({ file: d.name, found: [] });
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

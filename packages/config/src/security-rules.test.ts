import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseComposeDocument, type ComposeDocument } from './compose-document';
import { loadStack } from './load-stack';
import { renderCompose } from './render-compose';
import { SECURITY_RULES } from './security-rules';
import { validateComposeRules } from './validate-compose-rules';

const ROOT = resolve(__dirname, '../../..');
const VARIANTS = ['dev', 'prod'] as const;
const IMAGE_SETS = ['registry', 'offline'] as const;

/** What the tests break: a rendered document with its services loosely typed, as a hand edit would leave it. */
type Doc = ComposeDocument & { services: Record<string, Record<string, unknown> & { user?: string; cap_drop?: string[]; cap_add?: string[]; ports?: unknown[]; volumes?: string[]; environment?: unknown; security_opt?: string[] }>; networks: Record<string, unknown> };

/** Every compose file the stack can run with: freshly rendered, and as committed. */
const DOCUMENTS = [
  ...VARIANTS.flatMap((variant) => IMAGE_SETS.map((imageSet) => ({ name: `rendered ${variant}.${imageSet}`, variant, text: renderCompose(loadStack({ variant, imageSet })) }))),
  ...VARIANTS.flatMap((variant) => IMAGE_SETS.map((imageSet) => ({ name: `configs/compose/${variant}.${imageSet}.yml`, variant, text: readFileSync(join(ROOT, `configs/compose/${variant}.${imageSet}.yml`), 'utf8') }))),
  { name: 'docker-compose.yml', variant: 'dev' as const, text: readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8') },
];

const prodRegistry = () => parseComposeDocument(renderCompose(loadStack({ variant: 'prod', imageSet: 'registry' }))) as Doc;
const devRegistry = () => parseComposeDocument(renderCompose(loadStack({ variant: 'dev', imageSet: 'registry' }))) as Doc;
const svc = (doc: Doc, name: string) => doc.services![name]!;

/** For each rule: a rendered document broken the way the rule exists to catch. */
const BREAKS: Record<string, { variant: 'dev' | 'prod'; doc: () => Doc; expect: RegExp }> = {
  'cis/4.1': { variant: 'dev', doc: () => { const d = devRegistry(); svc(d, 'nats').user = '0:0'; delete svc(d, 'clickhouse').user; return d; }, expect: /nats runs as root[\s\S]*clickhouse sets no user/ },
  'cis/5.3': { variant: 'dev', doc: () => { const d = devRegistry(); delete svc(d, 'app').cap_drop; svc(d, 'nats').cap_add = ['NET_ADMIN']; return d; }, expect: /nats adds back NET_ADMIN[\s\S]*app keeps the default capabilities|app keeps the default capabilities[\s\S]*nats adds back/ },
  'cis/5.4': { variant: 'dev', doc: () => { const d = devRegistry(); svc(d, 'prometheus').privileged = true; return d; }, expect: /prometheus is privileged/ },
  'cis/5.9': { variant: 'dev', doc: () => { const d = devRegistry(); svc(d, 'app').network_mode = 'host'; svc(d, 'app').pid = 'host'; return d; }, expect: /app shares the host's network_mode, pid/ },
  'cis/5.10': { variant: 'dev', doc: () => { const d = devRegistry(); delete svc(d, 'clickhouse').mem_limit; return d; }, expect: /clickhouse has no memory limit/ },
  'cis/5.11': { variant: 'dev', doc: () => { const d = devRegistry(); delete svc(d, 'grafana').cpus; return d; }, expect: /grafana has no CPU limit/ },
  'cis/5.12': { variant: 'dev', doc: () => { const d = devRegistry(); delete svc(d, 'app').read_only; return d; }, expect: /app has a writable root file system/ },
  'cis/5.13': { variant: 'dev', doc: () => { const d = devRegistry(); svc(d, 'nats').ports = ['4222:4222', '0.0.0.0:8222:8222']; return d; }, expect: /nats publishes 4222:4222 on every interface[\s\S]*0\.0\.0\.0:8222:8222 on 0\.0\.0\.0/ },
  'cis/5.8': { variant: 'prod', doc: () => { const d = prodRegistry(); svc(d, 'clickhouse').ports = ['127.0.0.1:8123:8123']; return d; }, expect: /clickhouse publishes ports in prod — only app and grafana may/ },
  'qraft/backend-internal': { variant: 'prod', doc: () => { const d = prodRegistry(); d.networks!['backend'] = { driver: 'bridge' }; return d; }, expect: /network backend is not internal in prod/ },
  'cis/5.25': { variant: 'dev', doc: () => { const d = devRegistry(); svc(d, 'nats-exporter').security_opt = []; return d; }, expect: /nats-exporter may gain privileges/ },
  'cis/5.26': { variant: 'dev', doc: () => { const d = devRegistry(); delete svc(d, 'nats').healthcheck; return d; }, expect: /nats has no healthcheck/ },
  'cis/5.28': { variant: 'dev', doc: () => { const d = devRegistry(); delete svc(d, 'prometheus').pids_limit; return d; }, expect: /prometheus has no pids limit/ },
  'cis/5.31': { variant: 'dev', doc: () => { const d = devRegistry(); svc(d, 'prometheus').volumes!.push('/var/run/docker.sock:/var/run/docker.sock'); return d; }, expect: /prometheus mounts \/var\/run\/docker.sock/ },
  'cis/4.10': { variant: 'dev', doc: () => { const d = devRegistry(); (svc(d, 'app').environment as Record<string, string>)['QRAFT_CLICKHOUSE_PASSWORD'] = 'hunter2hunter2'; return d; }, expect: /app sets QRAFT_CLICKHOUSE_PASSWORD in its environment/ },
  'qraft/grafana-auth': {
    variant: 'dev',
    doc: () => {
      const d = devRegistry();
      const e = svc(d, 'grafana').environment as Record<string, string>;
      e['GF_AUTH_ANONYMOUS_ENABLED'] = 'true';
      e['GF_USERS_ALLOW_SIGN_UP'] = 'true';
      delete e['GF_SECURITY_ADMIN_PASSWORD__FILE'];
      return d;
    },
    expect: /GF_AUTH_ANONYMOUS_ENABLED=false[\s\S]*GF_USERS_ALLOW_SIGN_UP=false[\s\S]*without it the admin password is the default "admin"/,
  },
};

describe('Grafana on the registry set (the only set with Grafana): generated admin password, anonymous access and sign-up off', () => {
  const rule = SECURITY_RULES.find((r) => r.id === 'qraft/grafana-auth')!;
  const registryDocs = DOCUMENTS.filter((d) => d.name.includes('registry') || d.name === 'docker-compose.yml');

  it.each(registryDocs.map((d) => [d.name, d] as const))('%s has Grafana, so the rule is not met by its absence', (_name, d) => {
    const grafana = (parseComposeDocument(d.text).services as Record<string, { environment?: Record<string, string> }>)['grafana'];
    expect(grafana?.environment).toMatchObject({ GF_AUTH_ANONYMOUS_ENABLED: 'false', GF_USERS_ALLOW_SIGN_UP: 'false', GF_SECURITY_ADMIN_PASSWORD__FILE: '/run/secrets/grafana_admin_password' });
    expect(validateComposeRules('c.yml', parseComposeDocument(d.text), { variant: d.variant, text: d.text }, [rule])).toEqual([]);
  });

  it('catches an admin password file that is not the generated secret', () => {
    const d = devRegistry();
    (d as unknown as { secrets: Record<string, { file: string }> }).secrets['grafana_admin_password'] = { file: './grafana-admin.txt' };
    expect(validateComposeRules('c.yml', d, { variant: 'dev', text: '' }, [rule]).map((p) => p.message).join('\n')).toMatch(
      /admin password comes from \.\/grafana-admin\.txt, not the generated secrets\/grafana_admin_password/,
    );
  });
});

describe('compose security rules (CIS Docker Benchmark v1.6 where an item applies)', () => {
  const check = (rule: (typeof SECURITY_RULES)[number], doc: ComposeDocument, variant: 'dev' | 'prod', text = '') =>
    validateComposeRules('c.yml', doc, { variant, text }, [rule]).map((p) => p.message);

  it('has a failing case for every rule', () => {
    expect(Object.keys(BREAKS).sort()).toEqual(SECURITY_RULES.map((r) => r.id).sort());
  });

  describe.each(SECURITY_RULES.map((r) => [`${r.id} (${r.why})`, r] as const))('%s', (_name, rule) => {
    it.each(DOCUMENTS.map((d) => [d.name, d] as const))('holds for %s', (_file, d) => {
      expect(check(rule, parseComposeDocument(d.text), d.variant, d.text)).toEqual([]);
    });

    it('catches a compose document broken on purpose', () => {
      const broken = BREAKS[rule.id]!;
      expect(check(rule, broken.doc(), broken.variant).join('\n')).toMatch(broken.expect);
    });
  });
});

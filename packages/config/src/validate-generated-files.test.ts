import { parse, stringify } from 'yaml';
import type { ComposeDocument } from './compose-document';
import { generatedFiles } from './generated-files';
import { loadStack } from './load-stack';
import { PORTABILITY_RULES } from './portability-rules';
import { renderCompose } from './render-compose';
import { validateComposeRules } from './validate-compose-rules';
import { validateComposeSchema } from './validate-compose-schema';
import { validateCrossReferences, validateNoSecretValues } from './validate-cross-references';
import { validateGeneratedFiles } from './validate-generated-files';

const model = loadStack({ imageSet: 'registry' });
const fresh = (): ComposeDocument => parse(renderCompose(model)) as ComposeDocument;
const rulesOf = (problems: Array<{ rule: string }>) => problems.map((p) => p.rule);

describe('validation of the rendered files', () => {
  it('finds nothing wrong with every file it renders', () => {
    expect(validateGeneratedFiles(generatedFiles())).toEqual([]);
  });

  it('rejects a compose file that breaks the Compose Specification schema', () => {
    const doc = fresh();
    (doc.services!.nats as Record<string, unknown>).restart_policy = 'always';
    expect(rulesOf(validateComposeSchema('x.yml', doc))).toContain('schema');
  });

  describe('cross-references', () => {
    const files = generatedFiles({ variants: ['dev'], imageSets: ['registry'] });
    const prom = files.find((f) => f.kind === 'prometheus')!;
    const ds = files.find((f) => f.kind === 'grafana-datasources')!;
    const check = (compose: ComposeDocument, prometheus = prom.content, datasources = ds.content) =>
      rulesOf(
        validateCrossReferences({
          model,
          composeFile: 'c.yml',
          compose,
          prometheus: { file: prom.path, text: prometheus },
          datasources: { file: ds.path, text: datasources },
        }),
      );

    it('catches a depends_on on a service that is not in the file', () => {
      const doc = fresh();
      doc.services!.app!.depends_on = { redis: { condition: 'service_healthy' } };
      expect(check(doc)).toContain('depends-on');
    });
    it('catches a scrape target that resolves to no service', () => {
      expect(check(fresh(), prom.content.replace('app:8080', 'api:8080'))).toContain('scrape-target');
    });
    it('catches a scrape target on a network prometheus does not share', () => {
      const doc = fresh();
      doc.services!.prometheus!.networks = ['backend'];
      doc.services!.app!.networks = ['frontend'];
      expect(check(doc)).toContain('scrape-target');
    });
    it('catches a datasource URL grafana cannot reach', () => {
      const doc = fresh();
      doc.services!.grafana!.networks = ['frontend'];
      doc.services!.prometheus!.networks = ['backend'];
      expect(check(doc)).toContain('datasource');
    });
    it('catches an undeclared secret', () => {
      const doc = fresh();
      delete doc.secrets!.clickhouse_app_password;
      expect(check(doc)).toContain('secret');
    });
    it('catches a secret value written into a rendered file', () => {
      expect(rulesOf(validateNoSecretValues([{ path: 'a.yml', content: 'password: s3cr3t-value-123' }], ['s3cr3t-value-123']))).toEqual(['secret-value']);
    });
  });

  describe('podman-compose 1.0.3 portability (the rendered form passes every rule)', () => {
    const broken: Record<string, (doc: ComposeDocument) => void> = {
      'podman/healthcheck-cmd-shell': (d) => (d.services!.nats!.healthcheck = { test: ['CMD', 'wget', '-q', 'http://127.0.0.1:8222/healthz'] }),
      'podman/secret-ownership': (d) => (d.services!.app!.secrets = [{ source: 'clickhouse_app_password', uid: '1000', mode: 0o400 }]),
      'host/nofile-limit': (d) => (d.services!.clickhouse!.ulimits = { nofile: { soft: 262144, hard: 262144 } }),
      'podman/ulimits-nproc': (d) => (d.services!.clickhouse!.ulimits = { nofile: { soft: 20000, hard: 20000 } }),
      'podman/qualified-image': (d) => (d.services!.nats!.image = 'nats:2.14.3-alpine'),
      'podman/service-networks-list': (d) => (d.services!.nats!.networks = { backend: { aliases: ['bus'] } }),
      'podman/yaml-1.1-scalars': (d) => ((d.services!.grafana!.environment as Record<string, string>).GF_USERS_ALLOW_SIGN_UP = 'off'),
    };

    it('has a failing case for every rule', () => {
      expect(Object.keys(broken).sort()).toEqual(PORTABILITY_RULES.map((r) => r.id).sort());
    });

    const portability = (doc: ComposeDocument, text: string) => validateComposeRules('c.yml', doc, { variant: 'dev', text }, PORTABILITY_RULES);

    it.each(Object.entries(broken))('%s catches the non-portable form', (rule, breakIt) => {
      expect(portability(fresh(), renderCompose(model))).toEqual([]);
      const doc = fresh();
      breakIt(doc);
      // Plain (unquoted) output, as a hand-written file would be.
      const text = stringify(doc);
      expect(rulesOf(portability(doc, text))).toContain(rule);
    });
  });

  describe('security rules in the same validation (config:generate and config:check fail on them)', () => {
    it('reports a root user and a port on every interface in a rendered compose file as problems of their CIS rules', () => {
      const files = generatedFiles({ variants: ['dev'], imageSets: ['registry'] }).map((f) => {
        if (f.kind !== 'compose') return f;
        const doc = parse(f.content) as ComposeDocument;
        doc.services!.nats!.user = '0:0';
        doc.services!.app!.ports = ['8080:8080'];
        return { ...f, content: stringify(doc) };
      });
      const problems = validateGeneratedFiles(files);
      expect(rulesOf(problems)).toEqual(expect.arrayContaining(['cis/4.1', 'cis/5.13']));
      expect(problems.find((p) => p.rule === 'cis/4.1')?.message).toBe('nats runs as root (user: 0:0) — set a non-root uid');
    });
  });
});

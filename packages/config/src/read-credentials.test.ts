import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSecrets } from './ensure-secrets';
import { loadStack } from './load-stack';
import { readSecretFiles, readStackCredentials } from './read-credentials';

describe('readStackCredentials', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'qraft-credentials-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('has no accounts before ensureSecrets generated them', () => {
    expect(readStackCredentials(root, loadStack({ imageSet: 'registry' }))).toEqual({});
  });

  it("answers the model's accounts with exactly the passwords ensureSecrets wrote (no newline)", () => {
    const model = loadStack({ imageSet: 'registry' });
    ensureSecrets(root, model);
    const secret = (file: string) => readFileSync(join(root, 'secrets', file), 'utf8').trimEnd();
    expect(readStackCredentials(root, model)).toEqual({
      clickhouse: { user: 'qraft_app', password: secret('clickhouse_app_password') },
      clickhouseGrafana: { user: 'qraft_grafana', password: secret('clickhouse_grafana_password') },
      grafana: { user: model.grafanaAdmin.user, password: secret('grafana_admin_password') },
      prometheus: { user: 'qraft', password: secret('prometheus_password') },
    });
    expect(model.grafanaAdmin.user).toBe('admin');
    expect(model.services.grafana.environment['GF_SECURITY_ADMIN_USER']).toBe(model.grafanaAdmin.user);
  });

  it('reads only the accounts of the image set (offline: no Grafana) and every secret file for leak scans', () => {
    const model = loadStack({ imageSet: 'offline' });
    ensureSecrets(root, model);
    expect(Object.keys(readStackCredentials(root, model))).toEqual(['clickhouse', 'prometheus']);
    expect([...readSecretFiles(root, model).keys()].sort()).toEqual([
      'secrets/clickhouse_app_password',
      'secrets/clickhouse_exporter_password',
      'secrets/clickhouse_users.xml',
      'secrets/prometheus_password',
      'secrets/prometheus_web.yml',
    ]);
  });
});

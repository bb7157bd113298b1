import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readSecret } from './read-credentials';
import { renderClickhouseUsers } from './render-clickhouse-users';
import { NATS_ACCOUNTS } from './accounts';
import { natsPasswordHashes } from './nats-password-hashes';
import { renderNatsAccounts } from './render-nats-accounts';
import type { SecretModel, StackModel } from './stack-model';

export interface EnsureSecretsResult {
  /** Repo-relative files created now. */
  readonly created: string[];
  /** Existing files left as they were. */
  readonly kept: string[];
  /** Derived files rewritten because a password they derive from changed. */
  readonly updated: string[];
  /** Things a person must fix (e.g. ownership when not running as root). */
  readonly warnings: string[];
}

const isRoot = () => process.getuid?.() === 0;

function own(path: string, secret: SecretModel, warnings: string[]): void {
  chmodSync(path, 0o600);
  // A host-only secret is read by whoever runs the checks or a client: it stays theirs.
  if (secret.hostOnly) return;
  if (isRoot()) chownSync(path, secret.uid, secret.gid);
  else warnings.push(`${secret.file} should belong to uid ${secret.uid} (${secret.reader}) — run \`sudo chown ${secret.uid}:${secret.gid} ${secret.file}\``);
}

function writePrivate(path: string, content: string): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, content, { mode: 0o600, flag: 'wx' });
  renameSync(temp, path);
}

/**
 * Generates the stack's credentials on first use into `<root>/secrets/` (mode 0600, owned by the one
 * service that reads each). Random secrets are never regenerated; the ClickHouse users file and the NATS
 * accounts file are derived from them and rewritten only when their content would change.
 */
export function ensureSecrets(root: string, model: StackModel): EnsureSecretsResult {
  const result: EnsureSecretsResult = { created: [], kept: [], updated: [], warnings: [] };
  const pathOf = (s: SecretModel) => join(root, s.file);
  for (const secret of model.secrets.filter((s) => s.kind === 'random')) {
    const path = pathOf(secret);
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    if (existsSync(path)) {
      result.kept.push(secret.file);
    } else {
      // base64url: no quotes, slashes or dollar signs that a config format or shell could misread.
      writePrivate(path, randomBytes(24).toString('base64url') + '\n');
      result.created.push(secret.file);
    }
    own(path, secret, result.warnings);
  }
  const writeDerived = (secret: SecretModel, render: (before: string | undefined) => string) => {
    const path = pathOf(secret);
    const before = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    const content = render(before);
    if (before !== content) {
      writePrivate(path, content);
      (before === undefined ? result.created : result.updated).push(secret.file);
    } else {
      result.kept.push(secret.file);
    }
    own(path, secret, result.warnings);
  };
  const natsAccounts = model.secrets.find((s) => s.name === 'nats_accounts');
  if (natsAccounts) {
    const account = (identity: 'app' | 'publisher' | 'monitor' | 'system') => {
      const secret = model.secrets.find((x) => x.name === `nats_${identity}_password`);
      const password = secret ? readSecret(root, secret) : undefined;
      return password === undefined ? undefined : { user: NATS_ACCOUNTS[identity].user, password };
    };
    const [app, publisher, monitor, system] = [account('app'), account('publisher'), account('monitor'), account('system')];
    if (app && publisher && monitor && system) {
      writeDerived(natsAccounts, (before) => renderNatsAccounts(model, natsPasswordHashes({ app, publisher, monitor, system }, before)));
    }
  }
  const users = model.secrets.find((s) => s.name === 'clickhouse_users');
  if (users) {
    const read = (name: string) => {
      const s = model.secrets.find((x) => x.name === name);
      return s ? readSecret(root, s) : undefined;
    };
    const app = read('clickhouse_app_password');
    if (app !== undefined) {
      const grafana = read('clickhouse_grafana_password');
      const content = renderClickhouseUsers(model, grafana === undefined ? { app } : { app, grafana });
      const path = pathOf(users);
      const before = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
      if (before !== content) {
        writePrivate(path, content);
        (before === undefined ? result.created : result.updated).push(users.file);
      } else {
        result.kept.push(users.file);
      }
      own(path, users, result.warnings);
    }
  }
  return result;
}

/** Values of the secrets that exist under `root`, for the "no secret in rendered files" check. */
export function readSecretValues(root: string, model: StackModel): string[] {
  return model.secrets.filter((s) => s.kind === 'random').flatMap((s) => readSecret(root, s) ?? []);
}

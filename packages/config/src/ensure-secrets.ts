import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readSecret } from './read-credentials';
import { parse } from 'yaml';
import { renderClickhouseUsers } from './render-clickhouse-users';
import { NATS_ACCOUNTS } from './accounts';
import { natsPasswordHashes } from './nats-password-hashes';
import { renderNatsAccounts } from './render-nats-accounts';
import { keepOrHash, type VerifiedHashes } from './bcrypt-hashes';
import { renderPrometheusWebConfig } from './render-prometheus-web-config';
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

/** Fingerprints of the password/hash pairs the derived files hold, so the next run need not compare them again. */
const VERIFIED_FILE = join('secrets', '.bcrypt-verified');

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
 * service that reads each). Random secrets are never regenerated; the ClickHouse users file, the NATS accounts
 * file and Prometheus' web config are derived from them (hashes only) and rewritten only when their content would change.
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
  const read = (name: string) => {
    const s = model.secrets.find((x) => x.name === name);
    return s ? readSecret(root, s) : undefined;
  };
  const derive = (name: string, render: (before: string | undefined) => string | undefined) => {
    const secret = model.secrets.find((s) => s.name === name);
    if (!secret) return;
    const path = pathOf(secret);
    const before = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    const content = render(before);
    if (content === undefined) return;
    if (before !== content) {
      writePrivate(path, content);
      (before === undefined ? result.created : result.updated).push(secret.file);
    } else {
      result.kept.push(secret.file);
    }
    own(path, secret, result.warnings);
  };
  const verifiedPath = join(root, VERIFIED_FILE);
  const verified: VerifiedHashes = {
    known: new Set(existsSync(verifiedPath) ? readFileSync(verifiedPath, 'utf8').split('\n').filter((l) => /^[0-9a-f]{64}$/.test(l)) : []),
    matched: new Set(),
  };
  derive('clickhouse_users', () => {
    const app = read('clickhouse_app_password');
    if (app === undefined) return undefined;
    const grafana = read('clickhouse_grafana_password');
    const exporter = read('clickhouse_exporter_password');
    return renderClickhouseUsers(model, { app, ...(grafana === undefined ? {} : { grafana }), ...(exporter === undefined ? {} : { exporter }) });
  });
  derive('nats_accounts', (before) => {
    const account = (identity: 'app' | 'publisher' | 'monitor' | 'system') => {
      const password = read(`nats_${identity}_password`);
      return password === undefined ? undefined : { user: NATS_ACCOUNTS[identity].user, password };
    };
    const [app, publisher, monitor, system] = [account('app'), account('publisher'), account('monitor'), account('system')];
    if (!app || !publisher || !monitor || !system) return undefined;
    return renderNatsAccounts(model, natsPasswordHashes({ app, publisher, monitor, system }, before, verified));
  });
  derive('prometheus_web_config', (before) => {
    const passwords: Array<[string, string | undefined]> = [
      [model.prometheusUsers.stack, read('prometheus_password')],
      [model.prometheusUsers.grafana, read('prometheus_grafana_password')],
    ];
    const present = Object.fromEntries(passwords.flatMap(([user, password]) => (password === undefined ? [] : [[user, password]])));
    const hashes = keepOrHash(present, previousHashes(before), verified);
    return Object.keys(hashes).length === 0 ? undefined : renderPrometheusWebConfig(model, hashes);
  });
  const fingerprints = [...verified.matched].sort().join('\n');
  if (verified.matched.size > 0 && (verified.known.size !== verified.matched.size || [...verified.matched].some((f) => !verified.known.has(f)))) {
    writePrivate(verifiedPath, `${fingerprints}\n`);
  }
  return result;
}

/** The hashes of an existing web config; none when it is absent or unreadable (then every hash is made anew). */
function previousHashes(text: string | undefined): Map<string, string> {
  if (text === undefined) return new Map();
  try {
    const users = (parse(text) as { basic_auth_users?: Record<string, unknown> } | null)?.basic_auth_users ?? {};
    return new Map(Object.entries(users).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return new Map();
  }
}

/** Values of the secrets that exist under `root`, for the "no secret in rendered files" check. */
export function readSecretValues(root: string, model: StackModel): string[] {
  return model.secrets.filter((s) => s.kind === 'random').flatMap((s) => readSecret(root, s) ?? []);
}

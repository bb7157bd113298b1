import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NATS_ACCOUNTS } from './accounts';
import type { SecretModel, StackModel } from './stack-model';

export interface Account {
  readonly user: string;
  readonly password: string;
}

/** A NATS identity: its client must use `inboxPrefix` for its replies (the only inbox it may subscribe to). */
export interface NatsAccount extends Account {
  readonly inboxPrefix: string;
}

/** The stack's own accounts with the passwords ensureSecrets generated; an account is absent until its secret exists. */
export interface StackCredentials {
  /** The app's ClickHouse account: what the readiness gate, verify and the app use. */
  readonly clickhouse?: Account;
  /** The ClickHouse account of Grafana's datasource. */
  readonly clickhouseGrafana?: Account;
  /** Grafana's admin. */
  readonly grafana?: Account;
  /** NATS: what clients that only send events use (verify, the fault suite, developers). */
  readonly natsPublisher?: NatsAccount;
  /** NATS: JetStream info only (the readiness gate and checks). */
  readonly natsMonitor?: NatsAccount;
  /** Prometheus' basic-auth user of the stack (readiness gate, verify, qraft-health). */
  readonly prometheus?: Account;
}

/** One secret's content (a trailing newline is not part of it); undefined while the file does not exist. */
export function readSecret(root: string, secret: Pick<SecretModel, 'file' | 'reader' | 'uid'>): string | undefined {
  const path = join(root, secret.file);
  if (!existsSync(path)) return undefined;
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    const code = (error as { code?: string }).code ?? (error as Error).message;
    throw new Error(
      `cannot read ${secret.file} (${code}) — it is readable only by uid ${secret.uid} (${secret.reader}) and root: run as root, or give the credentials as QRAFT_*_USER and QRAFT_*_PASSWORD_FILE`,
      { cause: error },
    );
  }
}

/** The content of every secret file of the model that exists, by repo-relative file (random and derived). */
export function readSecretFiles(root: string, model: StackModel): Map<string, string> {
  const files = new Map<string, string>();
  for (const secret of model.secrets) {
    const value = readSecret(root, secret);
    if (value !== undefined) files.set(secret.file, value);
  }
  return files;
}

/**
 * The one reader of the stack's credentials, beside their writer (ensureSecrets): the accounts named by the
 * model, with their generated passwords from `<root>/secrets/`.
 */
export function readStackCredentials(root: string, model: StackModel): StackCredentials {
  const password = (name: string) => {
    const secret = model.secrets.find((s) => s.name === name);
    return secret ? readSecret(root, secret) : undefined;
  };
  const account = (user: string, name: string) => {
    const value = password(name);
    return value === undefined ? undefined : { user, password: value };
  };
  const clickhouse = account(model.clickhouseUsers.app, 'clickhouse_app_password');
  const clickhouseGrafana = account(model.clickhouseUsers.grafana, 'clickhouse_grafana_password');
  const grafana = account(model.grafanaAdmin.user, 'grafana_admin_password');
  const nats = (identity: 'publisher' | 'monitor') => {
    const value = account(NATS_ACCOUNTS[identity].user, `nats_${identity}_password`);
    return value === undefined ? undefined : { ...value, inboxPrefix: NATS_ACCOUNTS[identity].inboxPrefix };
  };
  const natsPublisher = nats('publisher');
  const natsMonitor = nats('monitor');
  const prometheus = account(model.prometheusUsers.stack, 'prometheus_password');
  return {
    ...(clickhouse ? { clickhouse } : {}),
    ...(clickhouseGrafana ? { clickhouseGrafana } : {}),
    ...(grafana ? { grafana } : {}),
    ...(natsPublisher ? { natsPublisher } : {}),
    ...(natsMonitor ? { natsMonitor } : {}),
    ...(prometheus ? { prometheus } : {}),
  };
}

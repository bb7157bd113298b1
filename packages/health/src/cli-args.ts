import { parseDuration, UsageError, type ParsedValues } from '@qraft/cli';

export const USAGE = `qraft-health — check the Qraft stack's services; exit 0 when every required check is up

Usage:
  qraft-health http URL [--status N] [--contains TEXT]
  qraft-health tcp HOST:PORT
  qraft-health nats URL [--stream S] [--user U --password-file F] [--inbox-prefix P]
  qraft-health clickhouse URL [--user U --password-file F] [--database D] [--table T]
  qraft-health prometheus URL [--user U --password-file F]
  qraft-health grafana URL [--user U --password-file F]
  qraft-health app URL
  qraft-health container NAME [--socket PATH]
  qraft-health stack [--variant dev|prod] [--images offline|registry]

Options:
  --wait DURATION     keep polling until healthy or DURATION passes (60s, 500ms, 2m); default: one pass
  --timeout DURATION  limit for one probe (default 5s)
  --json              print the report as JSON instead of a table
  --inbox-prefix P    nats: reply subjects start with P (a user allowed only its own inbox, e.g.
                      qraft_monitor with _INBOX_qraft_monitor); default _INBOX
  -h, --help          this text

Environment (flags win): QRAFT_NATS_USER, QRAFT_NATS_PASSWORD_FILE, QRAFT_NATS_INBOX_PREFIX, QRAFT_CLICKHOUSE_USER,
QRAFT_CLICKHOUSE_PASSWORD_FILE, QRAFT_GRAFANA_USER, QRAFT_GRAFANA_PASSWORD_FILE, QRAFT_PROMETHEUS_USER,
QRAFT_PROMETHEUS_PASSWORD_FILE, DOCKER_HOST (unix:// only), NO_COLOR. A password never goes in a URL
(user:password@ is refused): give it as a file. \`stack\` and \`container\` come with @qraft/stack's qraft-health (the model's published ports, its
readiness gate and credentials, the engine's socket); the app image's qraft-health has the protocol probes only.

A check exits 1 when a required service is down or degraded; 2 means bad input, and nothing was probed.`;

export const CHECK_NAMES = ['http', 'tcp', 'nats', 'clickhouse', 'prometheus', 'grafana', 'app', 'container', 'stack'] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

/** Bad input: the CLI prints it with the usage hint and exits 2 before probing anything. */
export { UsageError };

export interface Credentials {
  readonly user?: string;
  readonly password?: string;
}

/** Everything the CLI will do, fully validated: credentials read, URLs parsed, durations in ms. */
export interface CheckCommand {
      readonly check: CheckName;
      readonly target: string;
      readonly json: boolean;
      readonly waitMs: number | undefined;
      readonly timeoutMs: number;
      readonly status?: number;
      readonly contains?: string;
      readonly stream?: string;
      /** nats: the client's reply-subject prefix. */
      readonly inboxPrefix?: string;
      readonly database?: string;
      readonly table?: string;
      readonly socket?: string;
      readonly variant: 'dev' | 'prod';
      readonly images: 'registry' | 'offline';
      readonly credentials: {
        readonly nats: Credentials;
        readonly clickhouse: Credentials;
        readonly grafana: Credentials;
        readonly prometheus: Credentials;
      };
}

export interface ParseContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads a password file; injected so tests need no files of their own. */
  readonly readFile: (path: string) => string;
}

const URL_PROTOCOLS: Partial<Record<CheckName, readonly string[]>> = {
  http: ['http:', 'https:'],
  nats: ['nats:', 'tls:'],
  clickhouse: ['http:', 'https:'],
  prometheus: ['http:', 'https:'],
  grafana: ['http:', 'https:'],
  app: ['http:', 'https:'],
};

/** The options of qraft-health beyond --help and --json (which @qraft/cli's runCli adds). */
export const HEALTH_OPTIONS = {
  wait: { type: 'string' },
  timeout: { type: 'string' },
  status: { type: 'string' },
  contains: { type: 'string' },
  stream: { type: 'string' },
  'inbox-prefix': { type: 'string' },
  user: { type: 'string' },
  'password-file': { type: 'string' },
  database: { type: 'string' },
  table: { type: 'string' },
  socket: { type: 'string' },
  variant: { type: 'string' },
  images: { type: 'string' },
} as const;

/** Validates what runCli parsed (argv without node and script) into a command. Throws UsageError on any bad input. */
export function commandFrom(v: ParsedValues<typeof HEALTH_OPTIONS>, positionals: readonly string[], ctx: ParseContext): CheckCommand {
  const [name, target, ...extra] = positionals;
  if (!name) throw new UsageError('no check given — e.g. `qraft-health nats nats://127.0.0.1:4222`');
  if (!(CHECK_NAMES as readonly string[]).includes(name)) {
    throw new UsageError(`unknown check "${name}" — one of: ${CHECK_NAMES.join(', ')}`);
  }
  const check = name as CheckName;
  if (extra.length > 0) throw new UsageError(`unexpected argument(s): ${extra.join(' ')}`);
  if (check === 'stack') {
    if (target) throw new UsageError('`stack` takes no URL — it reads the endpoints from @qraft/config');
  } else if (!target) {
    throw new UsageError(`\`${check}\` needs a ${check === 'container' ? 'container name' : check === 'tcp' ? 'HOST:PORT' : 'URL'}`);
  }
  const protocols = URL_PROTOCOLS[check];
  if (protocols && target) validateUrl(target, protocols, check);
  if (check === 'tcp' && target) parseHostPort(target);

  const duration = (flag: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    return parseDuration(text, `--${flag}`);
  };
  const status = v.status === undefined ? undefined : Number(v.status);
  if (status !== undefined && !(Number.isInteger(status) && status >= 100 && status <= 599)) {
    throw new UsageError(`--status "${v.status}" is not an HTTP status code`);
  }
  const variant = v.variant ?? ctx.env['QRAFT_VARIANT'] ?? 'dev';
  if (variant !== 'dev' && variant !== 'prod') throw new UsageError(`--variant "${variant}" — expected dev or prod`);
  const images = v.images ?? ctx.env['QRAFT_IMAGE_SET'] ?? 'offline';
  if (images !== 'registry' && images !== 'offline') throw new UsageError(`--images "${images}" — expected registry or offline`);

  // Flags apply to the one service named; the environment supplies the rest (and everything for `stack`).
  const fromEnv = (service: 'NATS' | 'CLICKHOUSE' | 'GRAFANA' | 'PROMETHEUS', flagged: boolean): Credentials => {
    const user = flagged && v.user !== undefined ? v.user : ctx.env[`QRAFT_${service}_USER`];
    const fileVar = `QRAFT_${service}_PASSWORD_FILE`;
    const file = flagged && v['password-file'] !== undefined ? v['password-file'] : ctx.env[fileVar];
    const source = flagged && v['password-file'] !== undefined ? '--password-file' : fileVar;
    const password = file ? readPassword(file, source, ctx) : undefined;
    return { ...(user ? { user } : {}), ...(password !== undefined ? { password } : {}) };
  };
  // `stack` without credentials in the environment uses the stack's own (read by @qraft/stack's CLI).
  const credentials = {
    nats: fromEnv('NATS', check === 'nats'),
    clickhouse: fromEnv('CLICKHOUSE', check === 'clickhouse'),
    grafana: fromEnv('GRAFANA', check === 'grafana'),
    prometheus: fromEnv('PROMETHEUS', check === 'prometheus'),
  };
  if ((v.user !== undefined || v['password-file'] !== undefined) && !['nats', 'clickhouse', 'grafana', 'prometheus'].includes(check)) {
    throw new UsageError(`--user/--password-file do not apply to \`${check}\``);
  }
  if (v['inbox-prefix'] !== undefined && check !== 'nats') throw new UsageError(`--inbox-prefix applies to \`nats\` only`);
  const inboxPrefix = check === 'nats' || check === 'stack' ? (v['inbox-prefix'] ?? ctx.env['QRAFT_NATS_INBOX_PREFIX']) : undefined;
  if (check === 'grafana' && (credentials.grafana.user === undefined) !== (credentials.grafana.password === undefined)) {
    throw new UsageError('grafana needs both a user and a password file (or neither, to check /api/health only)');
  }
  if (check === 'prometheus' && (credentials.prometheus.user === undefined) !== (credentials.prometheus.password === undefined)) {
    throw new UsageError("prometheus needs both a user and a password file (or neither, for a Prometheus without basic auth) — the stack's: --user qraft --password-file secrets/prometheus_password");
  }
  return {
    check,
    target: target ?? '',
    json: v.json ?? false,
    waitMs: duration('wait', v.wait),
    timeoutMs: duration('timeout', v.timeout) ?? 5_000,
    status,
    contains: v.contains,
    stream: v.stream,
    ...(inboxPrefix !== undefined ? { inboxPrefix } : {}),
    database: v.database,
    table: v.table,
    socket: v.socket,
    variant,
    images,
    credentials,
  };
}

function validateUrl(text: string, protocols: readonly string[], check: string): void {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`"${text}" is not a URL — e.g. \`qraft-health ${check} ${protocols[0]}//127.0.0.1:PORT\``);
  }
  if (!protocols.includes(url.protocol)) {
    throw new UsageError(`${check} URL "${text}" must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  }
  if (url.username !== '' || url.password !== '') {
    // The URL would land in shell history, process lists and reports; the message shows it without the secret.
    url.username = '';
    url.password = '';
    const fileVar = PASSWORD_FILE_VARS[check as CheckName];
    throw new UsageError(
      fileVar
        ? `${check} URL "${url.toString()}" carries a user or password (user:password@) — take them out of the URL and give --user and --password-file (or ${fileVar})`
        : `${check} URL "${url.toString()}" carries a user or password (user:password@) — \`${check}\` sends no credentials: take them out of the URL`,
    );
  }
}

/** The variable that names each check's password file, for the message that refuses a password in a URL. */
const PASSWORD_FILE_VARS: Partial<Record<CheckName, string>> = {
  nats: 'QRAFT_NATS_PASSWORD_FILE',
  clickhouse: 'QRAFT_CLICKHOUSE_PASSWORD_FILE',
  grafana: 'QRAFT_GRAFANA_PASSWORD_FILE',
  prometheus: 'QRAFT_PROMETHEUS_PASSWORD_FILE',
};

export function parseHostPort(text: string): { host: string; port: number } {
  const match = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(text);
  const port = match ? Number(match[2]) : NaN;
  if (!match || !(port >= 1 && port <= 65_535)) throw new UsageError(`"${text}" is not HOST:PORT — e.g. 127.0.0.1:4222`);
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
}

function readPassword(path: string, source: string, ctx: ParseContext): string {
  try {
    // Secret files usually end with a newline that is not part of the password.
    return ctx.readFile(path).replace(/\r?\n$/, '');
  } catch (error) {
    const code = (error as { code?: string }).code ?? (error as Error).message;
    throw new UsageError(`cannot read the password file "${path}" (${source}): ${code} — create it or point ${source} at the right file`);
  }
}

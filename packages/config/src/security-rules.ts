import type { ComposeDocument } from './compose-document';
import type { ComposeRule } from './compose-rule';

/** The parts of a Compose service these rules read; loosely typed because tests hand-break documents. */
interface SecurityComposeService {
  user?: string;
  privileged?: boolean;
  network_mode?: string;
  pid?: string;
  ipc?: string;
  read_only?: boolean;
  cap_drop?: string[];
  cap_add?: string[];
  security_opt?: string[];
  mem_limit?: string | number;
  cpus?: string | number;
  pids_limit?: number;
  ports?: Array<string | number | { host_ip?: string; published?: string | number; target?: number }>;
  volumes?: Array<string | { source?: string; target?: string }>;
  environment?: Record<string, string> | string[];
  secrets?: Array<string | { source: string; target?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  deploy?: { resources?: { limits?: { memory?: string; cpus?: string | number; pids?: number } } };
  [key: string]: unknown;
}

/**
 * Security rules for every compose file, after the CIS Docker Benchmark (v1.6) where an item applies: part of
 * config's validation, so `config:generate` writes nothing and `config:check` fails when one is broken.
 */
/** Services the app alone needs published in prod: a person opens the app and Grafana, nothing else. */
export const PROD_PUBLISHED = ['app', 'grafana'] as const;
/** The only service whose root file system must be read-only: the others write inside their images. */
export const READ_ONLY_ROOT = ['app'] as const;
/** Capabilities a service may add back after dropping ALL (none need any today). */
const ALLOWED_CAP_ADD: Record<string, readonly string[]> = {};

const services = (doc: ComposeDocument) => Object.entries(doc.services ?? {}) as Array<[string, SecurityComposeService]>;
const env = (s: SecurityComposeService): Record<string, string> =>
  Array.isArray(s.environment)
    ? Object.fromEntries(s.environment.map((e) => [e.split('=')[0]!, e.slice(e.indexOf('=') + 1)]))
    : { ...(s.environment ?? {}) };
const defined = (value: unknown) => value !== undefined && value !== null && value !== '' && value !== 0 && value !== '0';

/** The host address a published port binds to; `${VAR:-default}` holds a colon of its own. */
function hostIp(port: string | number | { host_ip?: string }): string | undefined {
  if (typeof port === 'object') return port.host_ip;
  const parts = String(port).replace(/\$\{[^}]*\}/g, 'VAR').split(':');
  return parts.length === 3 ? parts[0] : undefined;
}

function perService(doc: ComposeDocument, test: (name: string, s: SecurityComposeService) => string | undefined): string[] {
  return services(doc).flatMap(([name, s]) => {
    const problem = test(name, s);
    return problem ? [problem] : [];
  });
}

export const SECURITY_RULES: readonly ComposeRule[] = [
  {
    id: 'cis/4.1',
    why: 'CIS 4.1: every service runs as a non-root user',
    check: (doc) =>
      perService(doc, (name, s) => {
        const uid = String(s.user ?? '').split(':')[0];
        if (!uid) return `${name} sets no user: it runs as the image's user, root unless the image says otherwise — set user: "<uid>:<gid>"`;
        return uid === '0' || uid === 'root' ? `${name} runs as root (user: ${s.user}) — set a non-root uid` : undefined;
      }),
  },
  {
    id: 'cis/5.3',
    why: 'CIS 5.3: capabilities are dropped',
    check: (doc) =>
      perService(doc, (name, s) => {
        if (!(s.cap_drop ?? []).map((c) => c.toUpperCase()).includes('ALL')) return `${name} keeps the default capabilities — add cap_drop: [ALL]`;
        const extra = (s.cap_add ?? []).filter((c) => !(ALLOWED_CAP_ADD[name] ?? []).includes(c.toUpperCase()));
        return extra.length > 0 ? `${name} adds back ${extra.join(', ')} — drop it or allow it in ALLOWED_CAP_ADD with the reason` : undefined;
      }),
  },
  {
    id: 'cis/5.4',
    why: 'CIS 5.4: no service is privileged',
    check: (doc) => perService(doc, (name, s) => (s.privileged ? `${name} is privileged — remove privileged: true` : undefined)),
  },
  {
    id: 'cis/5.9',
    why: "CIS 5.9: no service shares the host's network, PID or IPC namespace",
    check: (doc) =>
      perService(doc, (name, s) => {
        const shared = [['network_mode', s.network_mode], ['pid', s.pid], ['ipc', s.ipc]].filter(([, v]) => v === 'host').map(([k]) => k);
        return shared.length > 0 ? `${name} shares the host's ${shared.join(', ')} — remove ${shared.map((k) => `${k}: host`).join(', ')}` : undefined;
      }),
  },
  {
    id: 'cis/5.10',
    why: 'CIS 5.10: memory is limited',
    check: (doc) =>
      perService(doc, (name, s) => (defined(s.mem_limit) || defined(s.deploy?.resources?.limits?.memory) ? undefined : `${name} has no memory limit — set mem_limit`)),
  },
  {
    id: 'cis/5.11',
    why: 'CIS 5.11: CPU is limited',
    check: (doc) => perService(doc, (name, s) => (defined(s.cpus) || defined(s.deploy?.resources?.limits?.cpus) ? undefined : `${name} has no CPU limit — set cpus`)),
  },
  {
    id: 'cis/5.12',
    why: 'CIS 5.12: root filesystem is read-only (app)',
    check: (doc) =>
      READ_ONLY_ROOT.flatMap((name) => {
        const s = doc.services?.[name] as SecurityComposeService | undefined;
        if (!s) return [`${name} is missing from the compose file`];
        return s.read_only === true ? [] : [`${name} has a writable root file system — set read_only: true (it writes only to volumes and a /tmp tmpfs)`];
      }),
  },
  {
    id: 'cis/5.13',
    why: 'CIS 5.13: ports bind to 127.0.0.1',
    check: (doc) =>
      services(doc).flatMap(([name, s]) =>
        (s.ports ?? [])
          .filter((p) => hostIp(p) !== '127.0.0.1')
          .map((p) => `${name} publishes ${typeof p === 'object' ? JSON.stringify(p) : p} on ${hostIp(p) ?? 'every interface'} — bind it to 127.0.0.1`),
      ),
  },
  {
    id: 'cis/5.8',
    why: 'CIS 5.8: only the app and Grafana publish ports in prod',
    check: (doc, { variant }) =>
      variant !== 'prod'
        ? []
        : perService(doc, (name, s) =>
            (s.ports ?? []).length > 0 && !(PROD_PUBLISHED as readonly string[]).includes(name) ? `${name} publishes ports in prod — only ${PROD_PUBLISHED.join(' and ')} may` : undefined,
          ),
  },
  {
    id: 'qraft/backend-internal',
    why: 'the backend network is internal in prod: its services have no route out',
    check: (doc, { variant }) =>
      variant !== 'prod' || (doc.networks?.['backend'] as { internal?: boolean } | null | undefined)?.internal === true ? [] : ['network backend is not internal in prod — set internal: true so its services have no route out'],
  },
  {
    id: 'cis/5.25',
    why: 'CIS 5.25: no-new-privileges',
    check: (doc) =>
      perService(doc, (name, s) =>
        (s.security_opt ?? []).some((o) => /^no-new-privileges(:true)?$/.test(o)) ? undefined : `${name} may gain privileges (setuid) — add security_opt: [no-new-privileges:true]`,
      ),
  },
  {
    id: 'cis/5.26',
    why: 'CIS 5.26: container health is checked at runtime',
    check: (doc) => perService(doc, (name, s) => (s.healthcheck?.test && !s.healthcheck.disable ? undefined : `${name} has no healthcheck — add one`)),
  },
  {
    id: 'cis/5.28',
    why: 'CIS 5.28: pids limit',
    check: (doc) =>
      perService(doc, (name, s) => {
        const limit = s.pids_limit ?? s.deploy?.resources?.limits?.pids;
        return typeof limit === 'number' && limit > 0 ? undefined : `${name} has no pids limit — set pids_limit`;
      }),
  },
  {
    id: 'cis/5.31',
    why: 'CIS 5.31: the Docker socket is not mounted',
    check: (doc) =>
      services(doc).flatMap(([name, s]) =>
        (s.volumes ?? [])
          .map((v) => (typeof v === 'string' ? v.split(':')[0]! : (v.source ?? '')))
          .filter((source) => /(docker|podman)\.sock$/.test(source))
          .map((source) => `${name} mounts ${source} — an engine socket is root on the host; remove it`),
      ),
  },
  {
    id: 'cis/4.10',
    why: 'CIS 4.10: no secrets in compose environment',
    check: (doc) =>
      services(doc).flatMap(([name, s]) =>
        Object.entries(env(s))
          .filter(([key, value]) => /PASSWORD|SECRET|TOKEN|_KEY$/i.test(key) && !/__?FILE$/.test(key) && value !== '')
          .map(([key]) => `${name} sets ${key} in its environment — pass it as a compose secret and a *_FILE path`),
      ),
  },
  {
    id: 'qraft/grafana-auth',
    why: 'Grafana has no anonymous access, no sign-up and a generated admin password (not the default)',
    check: (doc) => {
      const grafana = doc.services?.['grafana'] as SecurityComposeService | undefined;
      if (!grafana) return [];
      const e = env(grafana);
      const problems: string[] = [];
      if (e['GF_AUTH_ANONYMOUS_ENABLED'] !== 'false') problems.push('grafana does not set GF_AUTH_ANONYMOUS_ENABLED=false — set it, so anonymous access is off whatever the image defaults to');
      if (e['GF_USERS_ALLOW_SIGN_UP'] !== 'false') problems.push('grafana does not set GF_USERS_ALLOW_SIGN_UP=false — set it, so nobody can make an account of their own');
      if ('GF_SECURITY_ADMIN_PASSWORD' in e) problems.push('grafana sets GF_SECURITY_ADMIN_PASSWORD — use GF_SECURITY_ADMIN_PASSWORD__FILE and a compose secret');
      const file = e['GF_SECURITY_ADMIN_PASSWORD__FILE'];
      const uses = (grafana.secrets ?? []).map((s) => (typeof s === 'string' ? { source: s, target: `/run/secrets/${s}` } : { source: s.source, target: s.target ?? `/run/secrets/${s.source}` }));
      const use = uses.find((u) => u.target === file);
      const source = use ? (doc.secrets?.[use.source] as { file?: string } | undefined)?.file : undefined;
      if (!file) problems.push('grafana has no GF_SECURITY_ADMIN_PASSWORD__FILE — without it the admin password is the default "admin"');
      else if (!use) problems.push(`grafana reads its admin password from ${file}, which no secret of the service mounts`);
      // Generated means: the file ensureSecrets writes (random, 0600, never committed) — not a file someone wrote by hand.
      else if (!source || !/(^|\/)secrets\/grafana_admin_password$/.test(source)) {
        problems.push(`grafana's admin password comes from ${source ?? `secret ${use.source} with no file`}, not the generated secrets/grafana_admin_password — point the secret there`);
      }
      return problems;
    },
  },
];


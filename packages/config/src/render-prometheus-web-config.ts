import { hashSync } from 'bcryptjs';
import { stringify } from 'yaml';
import { hashComment, headerLines } from './generated-header';
import type { StackModel } from './stack-model';

/** bcrypt cost of the web config's hashes. Prometheus caches a verified login, so a request pays it once. */
export const PROMETHEUS_BCRYPT_COST = 10;

/** Bcrypt hashes by Prometheus user; the users of the image set (no Grafana user in the offline set). */
export type PrometheusUserHashes = Readonly<Record<string, string>>;

/** bcrypt of a password (random salt: callers keep a hash that still verifies rather than re-render it). */
export function bcryptHash(password: string): string {
  return hashSync(password, PROMETHEUS_BCRYPT_COST);
}

/**
 * Prometheus' web.config.file: basic auth for every endpoint (the API, the UI, /metrics, /-/ready). Holds only
 * bcrypt hashes of secrets/ passwords, so ensureSecrets writes it under secrets/ and never into configs/.
 */
export function renderPrometheusWebConfig(model: StackModel, hashes: PrometheusUserHashes): string {
  return (
    hashComment(headerLines(model, 'Prometheus web config (bcrypt hashes of secrets/ passwords), passed as --web.config.file.')) +
    '\n' +
    stringify({ basic_auth_users: { ...hashes } }, { lineWidth: 0 })
  );
}

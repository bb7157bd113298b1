import { stringify } from 'yaml';
import { hashComment, headerLines } from './generated-header';
import type { StackModel } from './stack-model';

/** Bcrypt hashes by Prometheus user (see keepOrHash); the users of the image set (no Grafana user in the offline set). */
export type PrometheusUserHashes = Readonly<Record<string, string>>;

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

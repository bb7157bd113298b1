import { stringify } from 'yaml';
import { hashComment, headerLines } from './generated-header';
import { SECRET_TARGETS } from './secret-targets';
import type { StackModel } from './stack-model';

export const ALERT_RULES_FILE = 'alerts.yml';
/** How often Prometheus scrapes and evaluates rules; checks that wait for a scrape derive their deadlines from it. */
export const SCRAPE_INTERVAL_MS = 15_000;

/** Scrape targets by service DNS name, one job per service that serves metrics in this image set. */
export function scrapeTargets(model: StackModel): Array<{ job: string; target: string; path: string }> {
  return Object.values(model.services)
    .filter((s) => s.available && s.metrics)
    .flatMap((s) => {
      const port = s.ports.find((p) => p.name === s.metrics!.port)!;
      const jobs = s.metrics!.jobs ?? [{ job: s.name, path: s.metrics!.path }];
      return jobs.map((j) => ({ job: j.job, target: `${s.name}:${port.container}`, path: j.path }));
    });
}

/** prometheus.yml. rule_files is relative to the file, so promtool checks it where it was rendered. */
export function renderPrometheusConfig(model: StackModel): string {
  const config = {
    global: {
      scrape_interval: `${SCRAPE_INTERVAL_MS / 1_000}s`,
      scrape_timeout: '10s',
      evaluation_interval: `${SCRAPE_INTERVAL_MS / 1_000}s`,
      external_labels: { stack: 'qraft' },
    },
    rule_files: [ALERT_RULES_FILE],
    scrape_configs: scrapeTargets(model).map((t) => ({
      job_name: t.job,
      metrics_path: t.path,
      // Prometheus' own /metrics is behind its basic auth too; it logs in as the stack's user from the mounted secret.
      ...(t.target.startsWith('prometheus:') ? { basic_auth: { username: model.prometheusUsers.stack, password_file: SECRET_TARGETS.prometheus_password } } : {}),
      static_configs: [{ targets: [t.target] }],
    })),
  };
  return hashComment(headerLines(model, 'Prometheus configuration, mounted read-only at /etc/prometheus.')) + '\n' + stringify(config, { lineWidth: 0 });
}

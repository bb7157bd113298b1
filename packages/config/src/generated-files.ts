import { ROOT_COMPOSE_FILE, composeFilePath } from './compose-file-path';
import { loadStack } from './load-stack';
import { renderAlertRules, } from './render-alert-rules';
import { renderClickhouseConfig } from './render-clickhouse-config';
import { renderCompose } from './render-compose';
import { renderEnvExample } from './render-env-example';
import { renderGrafanaDashboardProvider, renderGrafanaDatasources } from './render-grafana-provisioning';
import { renderNatsConfig } from './render-nats-config';
import { ALERT_RULES_FILE, renderPrometheusConfig } from './render-prometheus-config';
import { renderOverviewDashboard } from './overview-dashboard';
import { kubernetesFiles } from './kubernetes/kubernetes-files';
import { IMAGE_SETS, VARIANTS, type ImageSet, type StackModel, type Variant } from './stack-model';

export interface GeneratedFile {
  /** Relative to the output root (the repository root when committed). */
  readonly path: string;
  readonly content: string;
  /** What it was rendered from, for validation. */
  readonly kind: 'compose' | 'prometheus' | 'alerts' | 'nats' | 'clickhouse' | 'grafana-datasources' | 'grafana-dashboards' | 'dashboard' | 'env' | 'kubernetes';
  readonly model: StackModel | undefined;
}

export interface GenerateSelection {
  readonly variants?: readonly Variant[];
  readonly imageSets?: readonly ImageSet[];
}

/**
 * Every generated file, rendered from default models (no environment): committed output is the same on
 * every machine. Service configs depend only on the image set; compose files on variant and image set.
 */
export function generatedFiles(selection: GenerateSelection = {}): GeneratedFile[] {
  const variants = selection.variants ?? VARIANTS;
  const imageSets = selection.imageSets ?? IMAGE_SETS;
  const files: GeneratedFile[] = [];

  for (const imageSet of imageSets) {
    const model = loadStack({ variant: 'dev', imageSet });
    const dir = (service: keyof StackModel['services']) => model.services[service].config!.host;
    files.push(
      { path: `${dir('nats')}/nats-server.conf`, content: renderNatsConfig(model), kind: 'nats', model },
      { path: `${dir('clickhouse')}/qraft.xml`, content: renderClickhouseConfig(model), kind: 'clickhouse', model },
      { path: `${dir('prometheus')}/prometheus.yml`, content: renderPrometheusConfig(model), kind: 'prometheus', model },
      { path: `${dir('prometheus')}/${ALERT_RULES_FILE}`, content: renderAlertRules(model), kind: 'alerts', model },
    );
    if (model.services.grafana.available) {
      files.push(
        { path: `${dir('grafana')}/datasources/qraft.yml`, content: renderGrafanaDatasources(model), kind: 'grafana-datasources', model },
        { path: `${dir('grafana')}/dashboards/qraft.yml`, content: renderGrafanaDashboardProvider(model), kind: 'grafana-dashboards', model },
        { path: `${dir('grafana')}/dashboards/qraft/qraft-overview.json`, content: renderOverviewDashboard(model), kind: 'dashboard', model },
      );
    }
    for (const variant of variants) {
      const stack = loadStack({ variant, imageSet });
      const file = composeFilePath(variant, imageSet);
      files.push({ path: file, content: renderCompose(stack, { file }), kind: 'compose', model: stack });
      if (variant === 'dev' && imageSet === 'registry') {
        files.push({ path: ROOT_COMPOSE_FILE, content: renderCompose(stack, { file: ROOT_COMPOSE_FILE }), kind: 'compose', model: stack });
      }
    }
  }
  if (imageSets.includes('registry')) files.push(...kubernetesFiles(files));
  if (!selection.variants && !selection.imageSets) {
    files.push({ path: '.env.example', content: renderEnvExample(), kind: 'env', model: undefined });
  }
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

export { ConfigError } from './config-error';
export { parseMemory, isMemory } from './memory';
export {
  SERVICE_NAMES,
  VARIANTS,
  IMAGE_SETS,
  NETWORK_NAMES,
  type ServiceName,
  type Variant,
  type ImageSet,
  type NetworkName,
  type StackModel,
  type ServiceModel,
  type MetricsModel,
  type PortModel,
  type HealthcheckModel,
  type MountModel,
  type ResourcesModel,
  type ImageModel,
  type CapabilitiesModel,
  type SecretModel,
  type SecretUse,
  type ReachabilityEdge,
} from './stack-model';
export { loadStack, CLICKHOUSE_USERS, type StackInput, type ServiceOverride } from './load-stack';
export { portEnvName, memoryEnvName, ENV } from './env-names';
export { endpoints, type Endpoints } from './endpoints';
export { omittedServices } from './omitted-services';
export { dataDirectories, type DataDirectory } from './data-directories';
export { SECRETS_DIR, SECRET_TARGETS } from './stack-secrets';
export { ensureSecrets, readSecretValues, type EnsureSecretsResult } from './ensure-secrets';
export { ROOT_COMPOSE_FILE, composeFilePath } from './compose-file-path';
export { renderCompose, type RenderComposeOptions } from './render-compose';
export { parseComposeDocument, type ComposeDocument, type ComposeService } from './compose-document';
export { renderNatsConfig } from './render-nats-config';
export { renderClickhouseConfig } from './render-clickhouse-config';
export { renderClickhouseUsers, type ClickhousePasswords } from './render-clickhouse-users';
export { renderPrometheusConfig, scrapeTargets, SCRAPE_INTERVAL_MS } from './render-prometheus-config';
export { renderAlertRules, alertRules } from './render-alert-rules';
export { renderGrafanaDatasources, renderGrafanaDashboardProvider, grafanaDatasources } from './render-grafana-provisioning';
export { dashboardQueries, overviewDashboard, renderOverviewDashboard, type DashboardQuery, type GrafanaDashboard } from './overview-dashboard';
export { renderEnvExample } from './render-env-example';
export { generatedFiles, type GeneratedFile, type GenerateSelection } from './generated-files';
export { validateGeneratedFiles } from './validate-generated-files';
export { validateComposeSchema } from './validate-compose-schema';
export { validateCrossReferences, validateNoSecretValues } from './validate-cross-references';
export { PORTABILITY_RULES, validatePortability, MAX_NOFILE, type PortabilityRule } from './portability-rules';
export type { ValidationProblem } from './validation-problem';
export { driftReport, type Drift } from './drift-report';

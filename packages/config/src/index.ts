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
  type ReadinessModel,
} from './stack-model';
export { loadStack, type StackInput, type ServiceOverride } from './load-stack';
export { CLICKHOUSE_USERS, GRAFANA_ADMIN_USER, PROMETHEUS_USERS } from './accounts';
export { NATS_ACCOUNTS, NATS_TOPOLOGY } from './accounts';
export { portEnvName, memoryEnvName, ENV } from './env-names';
export { endpoints, type Endpoints } from './endpoints';
export { omittedServices } from './omitted-services';
export { dataDirectories, type DataDirectory } from './data-directories';
export { SECRETS_DIR } from './stack-secrets';
export { SECRET_TARGETS } from './secret-targets';
export { ensureSecrets, readSecretValues, type EnsureSecretsResult } from './ensure-secrets';
export { readSecret, readSecretFiles, readStackCredentials, type Account, type StackCredentials } from './read-credentials';
export { type NatsAccount } from './read-credentials';
export { ROOT_COMPOSE_FILE, composeFilePath } from './compose-file-path';
export { renderCompose, type RenderComposeOptions } from './render-compose';
export { parseComposeDocument, type ComposeDocument, type ComposeService } from './compose-document';
export { renderNatsConfig } from './render-nats-config';
export { renderNatsAccounts, natsPermissions, type NatsPasswordHashes } from './render-nats-accounts';
export { natsPasswordHashes } from './nats-password-hashes';
export { renderClickhouseConfig } from './render-clickhouse-config';
export { renderClickhouseUsers, type ClickhousePasswords } from './render-clickhouse-users';
export { renderPrometheusConfig, scrapeTargets, SCRAPE_INTERVAL_MS } from './render-prometheus-config';
export { renderPrometheusWebConfig, type PrometheusUserHashes } from './render-prometheus-web-config';
export { keepOrHash, BCRYPT_COST } from './bcrypt-hashes';
export { renderAlertRules, alertRules } from './render-alert-rules';
export { renderGrafanaDatasources, renderGrafanaDashboardProvider, grafanaDatasources } from './render-grafana-provisioning';
export { dashboardQueries, overviewDashboard, renderOverviewDashboard, type DashboardQuery, type GrafanaDashboard } from './overview-dashboard';
export { renderEnvExample } from './render-env-example';
export { generatedFiles, type GeneratedFile, type GenerateSelection } from './generated-files';
export { validateGeneratedFiles } from './validate-generated-files';
export { validateComposeSchema } from './validate-compose-schema';
export { validateCrossReferences, validateNoSecretValues } from './validate-cross-references';
export { type ComposeRule, type ComposeRuleContext } from './compose-rule';
export { PORTABILITY_RULES, MAX_NOFILE } from './portability-rules';
export { PROD_PUBLISHED, READ_ONLY_ROOT, SECURITY_RULES } from './security-rules';
export { COMPOSE_RULES, validateComposeRules } from './validate-compose-rules';
export type { ValidationProblem } from './validation-problem';
export { driftReport, type Drift } from './drift-report';
export { kubeServiceFacts, type KubeServiceFacts } from './kubernetes/kube-service-facts';
export { kubernetesFiles } from './kubernetes/kubernetes-files';
export { KUBE_DIR, KUBE_BASE_DIR, KUBE_SECRETS_ROOT, KUBE_NAMESPACES, KUBE_PODMAN_OVERLAY_DIR, kubeOverlayDir } from './kubernetes/kubernetes-layout';
export { renderPodmanOverlay, PODMAN_NAME_PREFIX } from './kubernetes/render-kube-podman-overlay';
export { validateKubernetesFiles, kubeDocuments } from './kubernetes/validate-kubernetes-files';
export { kubeSchemaProblems, KUBE_SCHEMA_VERSION } from './kubernetes/kube-schema';
export { KUBE_RULES, checkKubeRules, podsOf, type KubeRule, type KubeDocument } from './kubernetes/kube-rules';
export { STATEFUL_SERVICES, DATA_VOLUME_SIZE } from './kubernetes/render-kube-workload';

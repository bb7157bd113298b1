import { posix } from 'node:path';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { selectorLabels } from './kube-labels';
import type { KubeServiceFacts } from './kube-service-facts';

/** A rendered configuration file: the same text compose mounts from configs/. */
export interface ConfigFile {
  readonly path: string;
  readonly content: string;
}

export const configMapName = (service: string) => `${service}-config`;

/** ConfigMap keys cannot hold "/": nested files (Grafana's dashboards) are keyed with "__" and mapped back by `items`. */
export function configKey(relativePath: string): string {
  return relativePath.split('/').join('__');
}

/** The service's configuration directory, file for file, relative to the directory. */
export function configFilesOf(facts: KubeServiceFacts, files: readonly ConfigFile[]): ConfigFile[] {
  if (!facts.config) return [];
  const dir = `${facts.config.dir}/`;
  return files
    .filter((f) => f.path.startsWith(dir))
    .map((f) => ({ path: posix.relative(facts.config!.dir, f.path), content: f.content }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

/** The ConfigMap holding a service's rendered configuration files, or undefined when it has none. */
export function renderKubeConfigMap(facts: KubeServiceFacts, files: readonly ConfigFile[]): IConfigMap | undefined {
  const own = configFilesOf(facts, files);
  if (own.length === 0) return undefined;
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: configMapName(facts.name), labels: selectorLabels(facts.name) },
    data: Object.fromEntries(own.map((f) => [configKey(f.path), f.content])),
  };
}

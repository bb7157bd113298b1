import { parse } from 'yaml';
import { serviceNetworks, sharedNetwork, type ComposeDocument } from './compose-document';
import type { StackModel } from './stack-model';
import type { ValidationProblem } from './validation-problem';

/** A host:port pair resolves when the host is a service of the compose file that listens on that port. */
function resolveTarget(model: StackModel, doc: ComposeDocument, hostPort: string): string | undefined {
  const [host, portText] = hostPort.split(':');
  if (!host || !doc.services?.[host]) return `${hostPort} names no service of the compose file`;
  const service = Object.values(model.services).find((s) => s.name === host);
  if (!service || !service.ports.some((p) => String(p.container) === portText)) {
    return `${hostPort}: ${host} does not listen on port ${portText ?? '(none)'}`;
  }
  return undefined;
}

export interface CrossReferenceInput {
  readonly model: StackModel;
  readonly composeFile: string;
  readonly compose: ComposeDocument;
  /** Rendered prometheus.yml and Grafana datasources of the same image set, when present. */
  readonly prometheus?: { readonly file: string; readonly text: string };
  readonly datasources?: { readonly file: string; readonly text: string };
}

/**
 * References between generated files: depends_on, declared networks and secrets, scrape targets and
 * datasource URLs that resolve to a service on a network both share. (Loopback-only ports and no secret in the
 * environment are security rules: CIS 5.13 and 4.10 in security-rules.ts.)
 */
export function validateCrossReferences(input: CrossReferenceInput): ValidationProblem[] {
  const { model, composeFile: file, compose } = input;
  const problems: ValidationProblem[] = [];
  const services = compose.services ?? {};
  const declaredNetworks = new Set(Object.keys(compose.networks ?? {}));
  const declaredSecrets = new Set(Object.keys(compose.secrets ?? {}));

  for (const [name, service] of Object.entries(services)) {
    const deps = Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {});
    for (const dep of deps) {
      if (!services[dep]) {
        problems.push({ rule: 'depends-on', file, message: `${name} depends on "${dep}", which is not in this file — drop the dependency or add the service` });
      }
    }
    for (const net of serviceNetworks(service)) {
      if (net !== 'default' && !declaredNetworks.has(net)) {
        problems.push({ rule: 'network', file, message: `${name} joins network "${net}", which is not declared — declare it under networks:` });
      }
    }
    for (const secret of service.secrets ?? []) {
      const source = typeof secret === 'string' ? secret : secret.source;
      if (!declaredSecrets.has(source)) {
        problems.push({ rule: 'secret', file, message: `${name} uses secret "${source}", which is not declared — declare it under secrets:` });
      }
    }
  }

  if (input.prometheus && services.prometheus) {
    const config = parse(input.prometheus.text) as { scrape_configs?: Array<{ job_name: string; static_configs?: Array<{ targets: string[] }> }> };
    for (const job of config.scrape_configs ?? []) {
      for (const target of job.static_configs?.flatMap((s) => s.targets) ?? []) {
        const problem = resolveTarget(model, compose, target);
        const host = target.split(':')[0]!;
        if (problem) {
          problems.push({ rule: 'scrape-target', file: input.prometheus.file, message: `job ${job.job_name}: ${problem} — scrape a service by its DNS name and container port` });
        } else if (host !== 'prometheus' && !sharedNetwork(compose, 'prometheus', host)) {
          problems.push({ rule: 'scrape-target', file: input.prometheus.file, message: `job ${job.job_name}: prometheus shares no network with ${host} in ${file} — add the edge to the reachability table` });
        }
      }
    }
  }

  if (input.datasources && services.grafana) {
    const config = parse(input.datasources.text) as { datasources?: Array<{ name: string; url?: string; jsonData?: { host?: string; port?: number } }> };
    for (const ds of config.datasources ?? []) {
      const target = ds.url ? new URL(ds.url).host : ds.jsonData?.host ? `${ds.jsonData.host}:${ds.jsonData.port ?? ''}` : undefined;
      if (!target) continue;
      const problem = resolveTarget(model, compose, target);
      const host = target.split(':')[0]!;
      if (problem) {
        problems.push({ rule: 'datasource', file: input.datasources.file, message: `datasource ${ds.name}: ${problem} — point it at a service DNS name and container port` });
      } else if (!sharedNetwork(compose, 'grafana', host)) {
        problems.push({ rule: 'datasource', file: input.datasources.file, message: `datasource ${ds.name}: grafana shares no network with ${host} in ${file} — add the edge to the reachability table` });
      }
    }
  }
  return problems;
}

/** No generated file may contain a secret value (the files are committed or printed). */
export function validateNoSecretValues(files: ReadonlyArray<{ path: string; content: string }>, secretValues: readonly string[]): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  for (const value of secretValues.filter((v) => v.length >= 8)) {
    for (const f of files) {
      if (f.content.includes(value)) {
        problems.push({ rule: 'secret-value', file: f.path, message: 'contains the value of a generated secret — reference the secret file instead of its content' });
      }
    }
  }
  return problems;
}

import { parse } from 'yaml';
import type { ComposeDocument } from './compose-document';
import type { GeneratedFile } from './generated-files';
import { validateComposeRules } from './validate-compose-rules';
import { validateComposeSchema } from './validate-compose-schema';
import { validateCrossReferences, validateNoSecretValues } from './validate-cross-references';
import { validateKubernetesFiles } from './kubernetes/validate-kubernetes-files';
import type { ValidationProblem } from './validation-problem';

/**
 * Every check that needs no external tool: Compose schema, cross-references and the compose rules
 * (podman portability, CIS security) of each compose file, and no secret value anywhere. Run before anything
 * is written by `config:generate`, and by `config:check`.
 */
export function validateGeneratedFiles(files: readonly GeneratedFile[], secretValues: readonly string[] = []): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  for (const f of files) {
    if (f.kind !== 'compose' || !f.model) continue;
    let doc: ComposeDocument;
    try {
      doc = parse(f.content) as ComposeDocument;
    } catch (error) {
      problems.push({ rule: 'yaml', file: f.path, message: `${(error as Error).message} — the renderer wrote invalid YAML` });
      continue;
    }
    problems.push(...validateComposeSchema(f.path, doc));
    const sameSet = (kind: GeneratedFile['kind']) => files.find((o) => o.kind === kind && o.model?.imageSet === f.model!.imageSet);
    const prometheus = sameSet('prometheus');
    const datasources = sameSet('grafana-datasources');
    problems.push(
      ...validateCrossReferences({
        model: f.model,
        composeFile: f.path,
        compose: doc,
        ...(prometheus ? { prometheus: { file: prometheus.path, text: prometheus.content } } : {}),
        ...(datasources ? { datasources: { file: datasources.path, text: datasources.content } } : {}),
      }),
    );
    problems.push(...validateComposeRules(f.path, doc, { variant: f.model.variant, text: f.content }));
  }
  problems.push(...validateKubernetesFiles(files));
  problems.push(...validateNoSecretValues(files, secretValues));
  return problems;
}

import { parseAllDocuments } from 'yaml';
import type { GeneratedFile } from '../generated-files';
import type { StackModel } from '../stack-model';
import type { ValidationProblem } from '../validation-problem';
import { checkKubeRules, type KubeDocument } from './kube-rules';
import { kubeSchemaProblems, KUBE_SCHEMA_VERSION } from './kube-schema';
import { kubeServiceFacts } from './kube-service-facts';
import { KUBE_BASE_DIR, KUBE_DIR } from './kubernetes-layout';

/** Every document of a rendered file (Kustomization files are kustomize's input, not API objects). */
export function kubeDocuments(file: { path: string; content: string }): { docs: KubeDocument[]; problems: ValidationProblem[] } {
  const docs: KubeDocument[] = [];
  const problems: ValidationProblem[] = [];
  for (const d of parseAllDocuments(file.content)) {
    if (d.errors.length > 0) {
      problems.push({ rule: 'yaml', file: file.path, message: `${d.errors[0]!.message} — the renderer wrote invalid YAML` });
      continue;
    }
    const doc = d.toJS() as KubeDocument['doc'] | null;
    if (doc && doc.kind !== 'Kustomization') docs.push({ file: file.path, doc });
  }
  return { docs, problems };
}

/**
 * Validates configs/kubernetes/: each document against the Kubernetes schemas, then the hardening and
 * isolation rules on what each overlay deploys (the base plus that overlay, with the overlay's model).
 */
export function validateKubernetesFiles(files: readonly GeneratedFile[]): ValidationProblem[] {
  const kube = files.filter((f) => f.kind === 'kubernetes');
  const problems: ValidationProblem[] = [];
  const parsed = kube.map((f) => ({ f, ...kubeDocuments(f) }));
  for (const { problems: yamlProblems, docs } of parsed) {
    problems.push(...yamlProblems);
    for (const { file, doc } of docs) {
      for (const message of kubeSchemaProblems(doc)) {
        problems.push({ rule: 'kube/schema', file, message: `${doc.kind ?? '?'}/${doc.metadata?.name ?? '?'}: ${message} (Kubernetes ${KUBE_SCHEMA_VERSION} schema) — fix the renderer` });
      }
    }
  }
  const base = parsed.filter((p) => p.f.path.startsWith(`${KUBE_BASE_DIR}/`));
  const overlays = new Map<string, { model: StackModel; docs: KubeDocument[] }>();
  for (const p of parsed) {
    const match = new RegExp(`^${KUBE_DIR}/overlays/([^/]+)/`).exec(p.f.path);
    if (!match || !p.f.model) continue;
    const entry = overlays.get(match[1]!) ?? { model: p.f.model, docs: [] };
    entry.docs.push(...p.docs);
    overlays.set(match[1]!, entry);
  }
  for (const { model, docs } of overlays.values()) {
    problems.push(...checkKubeRules([...base.flatMap((b) => b.docs), ...docs], kubeServiceFacts(model)));
  }
  return problems;
}

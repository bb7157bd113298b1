import { Document } from 'yaml';
import { hashComment, headerLines } from '../generated-header';
import type { StackModel } from '../stack-model';

/** Several Kubernetes documents in one YAML file, under the generated-file header. */
export function renderKubeYaml(model: StackModel | undefined, what: string, documents: readonly object[]): string {
  const body = documents
    .map((d) => new Document(d).toString({ lineWidth: 0 }))
    .join('---\n');
  return hashComment(headerLines(model, what)) + body;
}

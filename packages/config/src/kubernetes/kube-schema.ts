import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Pod } from 'kubernetes-models/v1/Pod';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';

/**
 * The Kubernetes version whose OpenAPI schemas validate every document: the ones kubernetes-models 4.5.1
 * ships (its 5.x line is ESM-only and needs Node 22; this workspace runs Node 20).
 */
export const KUBE_SCHEMA_VERSION = '1.33.0';

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: never) => Validatable;

const MODELS: Readonly<Record<string, ModelClass>> = {
  'apps/v1/StatefulSet': StatefulSet as unknown as ModelClass,
  'apps/v1/Deployment': Deployment as unknown as ModelClass,
  'v1/Service': Service as unknown as ModelClass,
  'v1/ConfigMap': ConfigMap as unknown as ModelClass,
  'v1/Secret': Secret as unknown as ModelClass,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim as unknown as ModelClass,
  'v1/Namespace': Namespace as unknown as ModelClass,
  'v1/Pod': Pod as unknown as ModelClass,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy as unknown as ModelClass,
};

/**
 * Problems of one document against the pinned schemas: an empty list when it is valid. A kind the stack
 * does not use is a problem too (nothing here could check it).
 */
export function kubeSchemaProblems(document: unknown): string[] {
  const doc = document as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } } | null;
  if (!doc || typeof doc !== 'object') return ['is not a Kubernetes object (no mapping)'];
  const key = `${String(doc.apiVersion)}/${String(doc.kind)}`;
  const Model = MODELS[key];
  if (!Model) return [`${key} has no schema here — the stack renders only ${Object.keys(MODELS).join(', ')}`];
  // kustomize wraps a Secret's base64 at 76 columns; the API server's decoder skips the line breaks, the
  // schema's "byte" format does not.
  const data = (doc as { data?: unknown }).data;
  const checked =
    doc.kind === 'Secret' && data && typeof data === 'object'
      ? { ...doc, data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, typeof v === 'string' ? v.replace(/\s+/g, '') : v])) }
      : doc;
  try {
    new Model(checked as never).validate();
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
}

import { parse } from 'yaml';

/** The parts of a parsed Compose file the validators read (loosely typed: it may be hand-broken in tests). */
export interface ComposeService {
  image?: string;
  build?: unknown;
  pull_policy?: string;
  ports?: Array<string | number | { host_ip?: string; published?: string | number; target?: number }>;
  networks?: string[] | Record<string, unknown>;
  depends_on?: string[] | Record<string, unknown>;
  secrets?: Array<string | { source: string; target?: string; uid?: string; gid?: string; mode?: number }>;
  environment?: Record<string, string> | string[];
  healthcheck?: { test?: string | string[] };
  ulimits?: Record<string, number | { soft?: number; hard?: number }>;
  [key: string]: unknown;
}

export interface ComposeDocument {
  services?: Record<string, ComposeService>;
  networks?: Record<string, unknown>;
  secrets?: Record<string, { file?: string; uid?: string; gid?: string; mode?: number }>;
  [key: string]: unknown;
}

export function serviceNetworks(service: ComposeService): string[] {
  const nets = service.networks;
  if (!nets) return ['default'];
  return Array.isArray(nets) ? nets : Object.keys(nets);
}

export function sharedNetwork(doc: ComposeDocument, a: string, b: string): boolean {
  const sa = doc.services?.[a];
  const sb = doc.services?.[b];
  if (!sa || !sb) return false;
  const nb = new Set(serviceNetworks(sb));
  return serviceNetworks(sa).some((n) => nb.has(n));
}

/** Parses a Compose file's text (rendered or hand-broken) into the loosely typed document the validators read. */
export function parseComposeDocument(text: string): ComposeDocument {
  return (parse(text) ?? {}) as ComposeDocument;
}

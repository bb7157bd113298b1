import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { EngineName } from '../images';
import { runCommand } from '@qraft/stack';
import { CREDENTIAL_ASSIGNMENT } from './secret-values';

export interface TarEntry {
  readonly name: string;
  /** '0' regular file, '5' directory, '2' symlink, … */
  readonly type: string;
  readonly data: Buffer;
}

function octal(field: Buffer): number {
  // GNU base-256 for sizes over 8 GiB: high bit set in the first byte.
  if (field[0]! & 0x80) return field.subarray(1).reduce((n, b) => n * 256 + b, 0);
  const text = field.toString('ascii').replace(/\0.*$/s, '').trim();
  return text === '' ? 0 : parseInt(text, 8);
}

const cstring = (field: Buffer) => field.toString('utf8').replace(/\0.*$/s, '');

/** The entries of an uncompressed tar (ustar, pax and GNU long names), as views into the buffer. */
export function* tarEntries(tar: Buffer): Generator<TarEntry> {
  let offset = 0;
  let longName: string | undefined;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) return;
    const size = octal(header.subarray(124, 136));
    const type = String.fromCharCode(header[156]!) || '0';
    const data = tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      longName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString('utf8'))?.[1] ?? longName;
      continue;
    }
    if (type === 'L') {
      longName = cstring(data);
      continue;
    }
    if (type === 'g') continue;
    const prefix = header.subarray(257, 263).toString('ascii').startsWith('ustar') ? cstring(header.subarray(345, 500)) : '';
    const name = longName ?? (prefix ? `${prefix}/${cstring(header.subarray(0, 100))}` : cstring(header.subarray(0, 100)));
    longName = undefined;
    yield { name: name.replace(/^\.\//, ''), type: type === '\0' ? '0' : type, data };
  }
}

export interface ImageConfig {
  readonly User?: string;
  readonly Env?: string[];
  readonly Labels?: Record<string, string> | null;
  readonly Healthcheck?: { Test?: string[] };
}

export interface SavedImage {
  readonly config: ImageConfig;
  /** The whole image config document, as the engine stores it (history, build args in created_by, …). */
  readonly configText: string;
  readonly layers: ReadonlyArray<{ readonly name: string; readonly entries: readonly TarEntry[] }>;
}

/** Reads the archive of `docker save` / `podman save --format docker-archive`. */
export function readSavedImage(archive: Buffer): SavedImage {
  const outer = new Map([...tarEntries(archive)].map((e) => [e.name, e.data]));
  const manifest = JSON.parse(outer.get('manifest.json')?.toString('utf8') ?? 'null') as Array<{ Config: string; Layers: string[] }> | null;
  if (!manifest?.[0]) throw new Error('not an image archive: manifest.json is missing');
  const configText = outer.get(manifest[0].Config)!.toString('utf8');
  const layers = manifest[0].Layers.map((name) => {
    let data = outer.get(name);
    if (!data) throw new Error(`the archive names layer ${name} but does not hold it`);
    if (data[0] === 0x1f && data[1] === 0x8b) data = gunzipSync(data);
    return { name, entries: [...tarEntries(data)] };
  });
  return { config: (JSON.parse(configText) as { config?: ImageConfig }).config ?? {}, configText, layers };
}

/** Saves an image from the engine into memory (through a temp file that is removed again). */
export async function saveImage(engine: EngineName, ref: string): Promise<SavedImage> {
  const dir = mkdtempSync(join(tmpdir(), 'qraft-save-'));
  try {
    const file = join(dir, 'image.tar');
    const args = engine === 'podman' ? ['save', '--format', 'docker-archive', '-o', file, ref] : ['save', '-o', file, ref];
    const saved = await runCommand(engine, args, 5 * 60_000);
    if (!saved.ok) throw new Error(`${engine} save ${ref} failed: ${saved.stderr.trim()}`);
    return readSavedImage(readFileSync(file));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Files whose presence in an image is itself a leak, whatever their content. */
const SECRET_PATHS = /(^|\/)(run\/secrets\/.+|secrets\/[^/]+|etc\/clickhouse-server\/users\.d\/.+|\.env|id_rsa|id_ed25519|\.npmrc|\.git-credentials|(clickhouse_app|clickhouse_grafana|clickhouse_exporter|grafana_admin|prometheus|prometheus_grafana)_password|clickhouse_users\.xml|prometheus_web\.yml)$/i;
/** Text configuration worth reading for `password=…`; libraries, docs and binaries are not. */
const CONFIG_TEXT = /\.(env|conf|cnf|cfg|ini|properties|xml|ya?ml|json|toml|sh)$|(^|\/)\.npmrc$/i;
const NOT_CONFIG = /(^|\/)(node_modules|usr\/share|usr\/lib|usr\/include|var\/lib\/dpkg|etc\/ssl)\//;
/** Paths the packaged software ships with a placeholder in, each with why it is no leak. */
export const CONFIG_EXEMPT: ReadonlyMap<string, string> = new Map();

export interface SecretFinding {
  readonly where: string;
  readonly what: string;
}

/**
 * Every trace of a secret in a saved image: a value from `secrets` anywhere in a layer or the config,
 * a literal `password=`/`secret=` in the config (env, labels, history) or in a configuration file,
 * and files that are secrets by their path. Findings name the place and the secret, never its value.
 */
export function findSecretsInImage(image: SavedImage, secrets: ReadonlyMap<string, string>): SecretFinding[] {
  const findings: SecretFinding[] = [];
  const values = [...secrets].filter(([, v]) => v.length >= 8).map(([name, v]) => [name, Buffer.from(v)] as const);
  for (const [name, value] of values) {
    if (image.configText.includes(value.toString())) findings.push({ where: 'image config', what: `the value of ${name}` });
  }
  const assignment = CREDENTIAL_ASSIGNMENT.exec(image.configText);
  if (assignment) findings.push({ where: 'image config', what: `a literal credential (${assignment[0].split(/[=:]/)[0]}=…)` });
  for (const layer of image.layers) {
    for (const entry of layer.entries) {
      const where = `${layer.name}: /${entry.name}`;
      if (entry.type !== '0') continue;
      if (SECRET_PATHS.test(entry.name)) findings.push({ where, what: 'a file that is a secret by its path' });
      for (const [name, value] of values) {
        if (entry.data.includes(value)) findings.push({ where, what: `the value of ${name}` });
      }
      if (CONFIG_TEXT.test(entry.name) && !NOT_CONFIG.test(entry.name) && !CONFIG_EXEMPT.has(entry.name) && entry.data.length < 1_000_000) {
        const match = CREDENTIAL_ASSIGNMENT.exec(entry.data.toString('utf8'));
        if (match) findings.push({ where, what: `a literal credential (${match[0].split(/[=:]/)[0]}=…)` });
      }
    }
  }
  return findings;
}

/** The user an image runs as, and why that is a problem (undefined when it is not root). */
export function rootUserProblem(ref: string, config: ImageConfig): string | undefined {
  const uid = (config.User ?? '').split(':')[0];
  if (!uid) return `${ref} sets no USER, so it runs as root — add USER <uid>:<gid> to its Dockerfile`;
  return uid === '0' || uid === 'root' ? `${ref} runs as root (USER ${config.User}) — use a non-root uid` : undefined;
}

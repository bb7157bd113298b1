import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { EngineName } from './container-engine';

/** What one build produced in one engine. */
export interface EngineImageRecord {
  readonly imageId: string;
  readonly inputsHash: string;
  readonly sizeBytes: number;
  readonly builtAt: string;
  readonly buildMs: number;
}

export interface ImageRecord {
  readonly tag: string;
  readonly engines: Partial<Record<EngineName, EngineImageRecord>>;
}

/** infra/.image — git-ignored; the files are the outputs of the image targets. */
export const DEFAULT_RECORD_DIR = resolve(__dirname, '../../.image');

export function recordPath(recordDir: string, tag: string): string {
  return join(recordDir, `${tag.replace(/[/:@]/g, '_')}.json`);
}

export function readImageRecord(recordDir: string, tag: string): ImageRecord {
  try {
    const parsed = JSON.parse(readFileSync(recordPath(recordDir, tag), 'utf8')) as ImageRecord;
    if (parsed.tag === tag && typeof parsed.engines === 'object' && parsed.engines !== null) return parsed;
  } catch {
    // absent or unreadable: no record, so the next build simply rebuilds
  }
  return { tag, engines: {} };
}

/** Replaces this engine's entry, keeping the other engine's; written atomically. */
export function writeImageRecord(recordDir: string, tag: string, engine: EngineName, entry: EngineImageRecord): ImageRecord {
  const current = readImageRecord(recordDir, tag);
  const next: ImageRecord = { tag, engines: { ...current.engines, [engine]: entry } };
  mkdirSync(recordDir, { recursive: true });
  const file = recordPath(recordDir, tag);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(next, null, 2)}\n`);
  renameSync(tmp, file);
  return next;
}

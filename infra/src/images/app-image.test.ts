import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '@qraft/stack';
import { buildAppImage } from './app-image';
import { removeImage } from './container-engine';
import { itOnEngine } from './test-engines';

function tempWorkspace(dockerfile?: string): { root: string; recordDir: string } & Disposable {
  const root = mkdtempSync(join(tmpdir(), 'qraft-app-image-'));
  mkdirSync(join(root, 'packages', 'app'), { recursive: true });
  if (dockerfile) writeFileSync(join(root, 'packages', 'app', 'Dockerfile'), dockerfile);
  const recordDir = join(root, '.records');
  writeFileSync(join(root, '.dockerignore'), '.records\n');
  return { root, recordDir, [Symbol.dispose]: () => rmSync(root, { recursive: true, force: true }) };
}

describe('app image', () => {
  it('fails with a message naming packages/app/Dockerfile while it does not exist', async () => {
    using ws = tempWorkspace();
    await expect(buildAppImage({ engine: 'docker', workspaceRoot: ws.root, recordDir: ws.recordDir })).rejects.toThrow(
      /packages\/app\/Dockerfile does not exist yet — the app image qraft\/app:dev is built from it/,
    );
  });

  itOnEngine('docker')('builds FROM the offline Node base passed as NODE_IMAGE, then answers cached', async () => {
    using ws = tempWorkspace('ARG NODE_IMAGE=node:20-bookworm-slim\nFROM ${NODE_IMAGE}\nUSER node\nCMD ["node", "--version"]\n');
    const tag = `qraft-test/app-${randomBytes(4).toString('hex')}:dev`;
    try {
      const built = await buildAppImage({ engine: 'docker', tag, workspaceRoot: ws.root, recordDir: ws.recordDir });
      expect(built.cached).toBe(false);
      const run = await runCommand('docker', ['run', '--rm', tag], 60_000);
      expect(run.stdout.trim()).toBe('v20.20.2');
      expect((await buildAppImage({ engine: 'docker', tag, workspaceRoot: ws.root, recordDir: ws.recordDir })).cached).toBe(true);
    } finally {
      await removeImage('docker', tag);
    }
  }, 180_000);
});

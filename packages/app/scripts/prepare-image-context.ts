/**
 * Writes the Docker build context for packages/app/Dockerfile: `app/` holds the built app and its production
 * dependencies (workspace packages included, built), as `pnpm deploy --prod` lays them out. The image build
 * then needs neither a registry nor npm: the offline Node base has no npm.
 *
 *   pnpm --filter @qraft/app exec tsx scripts/prepare-image-context.ts [OUT_DIR]   (default /tmp/qraft-app-context)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface PrepareOptions {
  readonly workspaceRoot: string;
  readonly outDir: string;
}

function run(command: string, args: readonly string[], cwd: string): void {
  const result = spawnSync(command, [...args], { cwd, stdio: 'inherit', env: { ...process.env, NX_DAEMON: 'false' } });
  if (result.status !== 0) {
    throw new Error(`\`${command} ${args.join(' ')}\` exited with ${result.status ?? result.signal} in ${cwd}`);
  }
}

/** Builds the app and its workspace dependencies, then deploys the production package into `outDir/app`. */
export function prepareImageContext(options: PrepareOptions): string {
  const outDir = resolve(options.outDir);
  if (outDir === '/' || outDir === resolve(options.workspaceRoot)) throw new Error(`refusing to use ${outDir} as the context directory`);
  run('pnpm', ['nx', 'run', 'app:build'], options.workspaceRoot);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  run('pnpm', ['--filter', '@qraft/app', 'deploy', '--prod', join(outDir, 'app')], options.workspaceRoot);
  for (const required of ['app/dist/main.js', 'app/node_modules/@qraft/health/dist/cli.js']) {
    if (!existsSync(join(outDir, required))) throw new Error(`${required} is missing from ${outDir} — did the build of app or health fail?`);
  }
  return outDir;
}

if (require.main === module) {
  const workspaceRoot = resolve(__dirname, '../../..');
  const outDir = prepareImageContext({ workspaceRoot, outDir: process.argv[2] ?? '/tmp/qraft-app-context' });
  process.stdout.write(
    `context ready in ${outDir}\nbuild: docker build -f ${join(workspaceRoot, 'packages/app/Dockerfile')} --build-arg NODE_IMAGE=qraft-offline/node:20 --build-arg REVISION=$(git rev-parse HEAD) -t qraft/app:dev ${outDir}\n`,
  );
}

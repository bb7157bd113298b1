import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { silentProgress, streamCommand, type Progress } from '@qraft/stack';

export interface AppImageContextInput {
  readonly workspaceRoot: string;
  /** Emptied first; `app/` in it holds the deployed app. */
  readonly outDir: string;
  readonly progress?: Progress;
}

/** What the Dockerfile copies: proof that the build and the deploy both produced something. */
const REQUIRED = ['app/dist/main.js', 'app/node_modules/@qraft/health/dist/cli.js'];

/**
 * Writes the Docker build context of packages/app/Dockerfile: `app/` holds the built app and its production
 * dependencies (workspace packages included, built), as `pnpm deploy --prod` lays them out, so the image build
 * needs neither a registry nor npm (the offline Node base has no npm). Packaging is infra's concern: the app
 * only says what it is (its package.json and build target); this runs pnpm and Nx, the tools, not a script
 * of another package.
 */
export async function prepareAppImageContext(input: AppImageContextInput): Promise<string> {
  const root = resolve(input.workspaceRoot);
  const outDir = resolve(input.outDir);
  if (outDir === '/' || outDir === root || root.startsWith(`${outDir}/`)) {
    throw new Error(`refusing to use ${outDir} as the app image context — it would be emptied first; choose a directory of its own`);
  }
  const progress = input.progress ?? silentProgress;
  const run = async (what: string, args: readonly string[]): Promise<void> => {
    const done = progress.step(`app image context: ${what}`);
    const result = await streamCommand('pnpm', args, {
      cwd: root,
      env: { ...process.env, NX_DAEMON: 'false' },
      onLine: (line) => progress.line(`  ${line}`),
      timeoutMs: 15 * 60_000,
      keepLines: 30,
    });
    if (!result.ok) {
      done('failed');
      throw new Error(`\`pnpm ${args.join(' ')}\` failed (${result.error || `exit ${result.exitCode}`}) in ${root}:\n${result.tail.join('\n')}`);
    }
    done();
  };
  await run('nx run app:build', ['nx', 'run', 'app:build']);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await run('pnpm deploy --prod', ['--filter', '@qraft/app', 'deploy', '--prod', join(outDir, 'app')]);
  for (const required of REQUIRED) {
    if (!existsSync(join(outDir, required))) throw new Error(`${required} is missing from ${outDir} — did the build of app or health fail?`);
  }
  return outDir;
}

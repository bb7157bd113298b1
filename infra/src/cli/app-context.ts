import { resolve } from 'node:path';
import { runMain, UsageError, type CliSpec } from '@qraft/cli';
import { createProgress } from '@qraft/stack';
import { prepareAppImageContext } from '../images/app-image-context';

const HELP = `Usage: nx run infra:app-context -- --out DIR [--json]

Writes the Docker build context of packages/app/Dockerfile into DIR (emptied first): the built app and its
production node_modules, as \`pnpm deploy --prod\` lays them out, so the image builds with no registry or npm.
infra:image does this itself; this is for building the image elsewhere (the GitHub images workflow, publishing by hand).
  --out    the context directory (required), e.g. /tmp/qraft-app-context
  --json   print {"context": DIR} on stdout (progress stays on stderr)`;

const OPTIONS = { out: { type: 'string' } } as const;

export const appContextCli: CliSpec<typeof OPTIONS> = {
  name: 'app-context',
  help: HELP,
  options: OPTIONS,
  async run({ values, json, io }) {
    if (!values.out) throw new UsageError('--out DIR is required — the directory to write the app image context into');
    const workspaceRoot = resolve(__dirname, '../../..');
    const context = await prepareAppImageContext({ workspaceRoot, outDir: resolve(process.cwd(), values.out), progress: createProgress() });
    io.out(json ? JSON.stringify({ context }) : `context ready in ${context}\nbuild: docker build -f ${resolve(workspaceRoot, 'packages/app/Dockerfile')} --build-arg NODE_IMAGE=qraft-offline/node:20 --build-arg REVISION=$(git rev-parse HEAD) -t qraft/app:dev ${context}`);
    return 0;
  },
};

if (require.main === module) runMain(appContextCli);

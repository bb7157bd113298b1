import { runMain, UsageError, type CliSpec } from '@qraft/cli';
import { APP_IMAGE_TAG, buildAppImage, upstreamNodeImageOf } from '../images/app-image';
import { createProgress } from '@qraft/stack';
import { checkEngineOption, engineOption } from './engine-option';
import { formatBuiltImages } from './format-built-images';

const HELP = `Usage: nx run infra:image [-- --engine docker|podman] [--node-base offline|upstream] [--tag ${APP_IMAGE_TAG}] [--force] [--json]

Builds the app image (default ${APP_IMAGE_TAG}) from packages/app/Dockerfile; its context (nx build of the app,
then pnpm deploy --prod) is written into infra/.cache/app-context.
Skipped when the recorded build (infra/.image) is still in the engine with the same inputs (context files
after .dockerignore, Dockerfile, build args, base image id); rebuilt when the image was removed.
  --engine     docker or podman (default: QRAFT_ENGINE, else docker when it answers, else podman)
  --node-base  offline (default): ensure qraft-offline/node:20 and pass --build-arg NODE_IMAGE=qraft-offline/node:20;
               upstream: let the Dockerfile's default base stand (needs a registry)
  --force      build even when the record says the image is current
  --images     registry|offline: the stack's image set; registry implies --node-base upstream
  --json       print the result as JSON on stdout (progress stays on stderr)`;

const OPTIONS = {
  engine: { type: 'string' },
  'node-base': { type: 'string' },
  // Forwarded by `up` and `container-test` (dependsOn params: forward): the image set picks the Node base.
  images: { type: 'string' },
  variant: { type: 'string' },
  timeout: { type: 'string' },
  tag: { type: 'string' },
  force: { type: 'boolean' },
} as const;

export const imageCli: CliSpec<typeof OPTIONS> = {
  name: 'image',
  help: HELP,
  options: OPTIONS,
  async run({ values, json, io }) {
    const images = values.images ?? process.env['QRAFT_IMAGE_SET'];
    const nodeBase = values['node-base'] ?? (images === 'registry' ? 'upstream' : 'offline');
    if (nodeBase !== 'offline' && nodeBase !== 'upstream') throw new UsageError(`--node-base "${nodeBase}" is not known — use offline or upstream`);
    checkEngineOption(values.engine);
    // An image build starts no engine: `infra:up` bootstraps one on a fresh host (and builds this image itself).
    const engine = await engineOption(values.engine);
    // The registry set builds FROM the model's Node image: fully qualified (podman has no short names), mirror applied.
    const upstreamNodeImage = nodeBase === 'upstream' ? upstreamNodeImageOf(process.env) : undefined;
    const result = await buildAppImage({ engine, nodeBase, ...(upstreamNodeImage ? { upstreamNodeImage } : {}), force: values.force ?? false, progress: createProgress(), ...(values.tag ? { tag: values.tag } : {}) });
    io.out(json ? JSON.stringify(result, null, 2) : formatBuiltImages([result]));
    return 0;
  },
};

if (require.main === module) runMain(imageCli);

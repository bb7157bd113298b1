import { formatTable, runMain, type CliSpec } from '@qraft/cli';
import { buildOfflineImages, OFFLINE_IMAGES, parseOfflineImageNames } from '../images/offline-image-set';
import { createProgress } from '@qraft/stack';
import { pruneSupersededImages } from '../images/prune-images';
import { engineOption } from './engine-option';
import { formatBuiltImages } from './format-built-images';

const HELP = `Usage: nx run infra:offline-images [-- --engine docker|podman] [--only nats,clickhouse] [--force] [--prune] [--json]

Builds the offline image set without a registry, from Debian packages, into one engine's image store:
${formatTable(OFFLINE_IMAGES.map((i) => [i.tag, `stands in for ${i.upstream}`])).replace(/^/gm, '  ')}
An image whose recorded build (infra/.image/*.json) is still in the engine with the same inputs is
not rebuilt; one that was removed is. The debootstrapped rootfs and the .debs are cached in infra/.cache.
  --engine   docker or podman (default: QRAFT_ENGINE, else docker when it answers, else podman)
  --only     comma-separated subset (${OFFLINE_IMAGES.map((i) => i.name).join(', ')}); the base is always ensured
  --force    build even when the record says the image is current
  --prune    afterwards remove untagged images this tool made earlier (superseded builds); no one else's
  --json     print the summary as JSON on stdout (progress stays on stderr)`;

const OPTIONS = {
  engine: { type: 'string' },
  only: { type: 'string', multiple: true },
  force: { type: 'boolean' },
  prune: { type: 'boolean' },
} as const;

export const offlineImagesCli: CliSpec<typeof OPTIONS> = {
  name: 'offline-images',
  help: HELP,
  options: OPTIONS,
  async run({ values, json, io }) {
    // The arguments first: a typo is reported as such (exit 2), also on a host without an engine.
    const only = values.only ? parseOfflineImageNames(values.only.flatMap((v) => v.split(','))) : undefined;
    const engine = await engineOption(values.engine);
    const results = await buildOfflineImages({ engine, only, force: values.force ?? false, progress: createProgress() });
    const pruned = values.prune ? await pruneSupersededImages(engine) : 0;
    if (values.prune) io.err(`offline-images: removed ${pruned} superseded untagged image(s) from ${engine}`);
    io.out(json ? JSON.stringify({ engine, images: results, pruned }, null, 2) : formatBuiltImages(results));
    return 0;
  },
};

if (require.main === module) runMain(offlineImagesCli);

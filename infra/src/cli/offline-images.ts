import { parseArgs } from 'node:util';
import { formatBytes, type BuiltImage } from '../images/build-image';
import { resolveImageEngine } from '../images/container-engine';
import { buildOfflineImages, OFFLINE_IMAGES, parseOfflineImageNames } from '../images/offline-image-set';
import { createProgress } from '../images/progress';
import { pruneSupersededImages } from '../images/prune-images';

const HELP = `Usage: nx run infra:offline-images [-- --engine docker|podman] [--only nats,clickhouse] [--force] [--prune] [--json]

Builds the offline image set without a registry, from Debian packages, into one engine's image store:
${OFFLINE_IMAGES.map((i) => `  ${i.tag.padEnd(34)} stands in for ${i.upstream}`).join('\n')}
An image whose recorded build (infra/.image/*.json) is still in the engine with the same inputs is
not rebuilt; one that was removed is. The debootstrapped rootfs and the .debs are cached in infra/.cache.
  --engine   docker or podman (default: QRAFT_ENGINE, else docker when it answers, else podman)
  --only     comma-separated subset (${OFFLINE_IMAGES.map((i) => i.name).join(', ')}); the base is always ensured
  --force    build even when the record says the image is current
  --prune    afterwards remove untagged images this tool made earlier (superseded builds); no one else's
  --json     print the summary as JSON on stdout (progress stays on stderr)`;

export function formatBuiltImages(results: readonly BuiltImage[]): string {
  const width = Math.max(...results.map((r) => r.tag.length));
  return results
    .map((r) => `${r.tag.padEnd(width)}  ${r.engine.padEnd(6)}  ${(r.cached ? 'cached' : 'built').padEnd(6)}  ${formatBytes(r.sizeBytes).padStart(9)}  ${(r.durationMs / 1000).toFixed(1).padStart(6)} s  ${r.imageId.slice(7, 19)}`)
    .join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      engine: { type: 'string' },
      only: { type: 'string', multiple: true },
      force: { type: 'boolean' },
      prune: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  // The arguments first: a typo is reported as such, also on a host without an engine.
  const only = values.only ? parseOfflineImageNames(values.only.flatMap((v) => v.split(','))) : undefined;
  const engine = await resolveImageEngine(values.engine);
  const results = await buildOfflineImages({ engine, only, force: values.force ?? false, progress: createProgress() });
  const pruned = values.prune ? await pruneSupersededImages(engine) : 0;
  if (values.prune) process.stderr.write(`offline-images: removed ${pruned} superseded untagged image(s) from ${engine}\n`);
  console.log(values.json ? JSON.stringify({ engine, images: results, pruned }, null, 2) : formatBuiltImages(results));
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`offline-images: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}

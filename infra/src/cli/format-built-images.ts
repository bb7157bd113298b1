import { formatTable } from '@qraft/cli';
import { formatBytes, type BuiltImage } from '../images/build-image';

/** One row per image the build step ensured: tag, engine, built or cached, size, time, short id. */
export function formatBuiltImages(results: readonly BuiltImage[]): string {
  return formatTable(
    results.map((r) => [r.tag, r.engine, r.cached ? 'cached' : 'built', formatBytes(r.sizeBytes), `${(r.durationMs / 1000).toFixed(1)} s`, r.imageId.slice(7, 19)]),
    { align: ['left', 'left', 'left', 'right', 'right', 'left'] },
  );
}

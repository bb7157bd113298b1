import type { UpOptions } from '@qraft/stack';
import { buildAppImage, upstreamNodeImageOf } from '../images/app-image';
import { buildOfflineImages } from '../images/offline-image-set';

/**
 * What `up` builds before it starts the stack, so `up` is one command on a fresh host (after its engine
 * bootstrap): the offline image set when that is the image set, then the app image on the matching Node base.
 * Both are cheap when current (each image's record against the engine); registry images are the engine's
 * (or the mirror's) concern.
 */
export function prepareImagesFor(imageSet: string, env: Readonly<Record<string, string | undefined>>): NonNullable<UpOptions['prepareImages']> {
  return async (engine, progress) => {
    if (imageSet === 'offline') {
      await buildOfflineImages({ engine, progress });
      await buildAppImage({ engine, nodeBase: 'offline', progress });
      return;
    }
    const upstreamNodeImage = upstreamNodeImageOf(env);
    await buildAppImage({ engine, nodeBase: 'upstream', ...(upstreamNodeImage ? { upstreamNodeImage } : {}), progress });
  };
}

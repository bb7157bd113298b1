import type { UpOptions } from '@qraft/stack';
import { buildOfflineImages } from '../images/offline-image-set';

/**
 * What `up` builds before it starts the stack: the offline image set, cheap to check when current (each image's
 * record against the engine), so `up` is one command. Registry images are the engine's (or the mirror's) concern.
 */
export function prepareImagesFor(imageSet: string): UpOptions['prepareImages'] {
  if (imageSet !== 'offline') return undefined;
  return async (engine, progress) => void (await buildOfflineImages({ engine, progress }));
}

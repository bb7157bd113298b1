import type { ImageSet, Variant } from './stack-model';

/** The root docker-compose.yml is the dev stack on registry images, the one people start by hand. */
export const ROOT_COMPOSE_FILE = 'docker-compose.yml';

/** Repo-relative path of the compose file for a variant and image set. */
export function composeFilePath(variant: Variant, imageSet: ImageSet): string {
  return `configs/compose/${variant}.${imageSet}.yml`;
}

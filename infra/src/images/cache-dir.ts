import { resolve } from 'node:path';

/** infra/.cache — git-ignored: the debootstrapped rootfs tarball, downloaded .debs, the Node tarball. */
export const DEFAULT_CACHE_DIR = resolve(__dirname, '../../.cache');

/** infra/images — one directory per offline image (Dockerfile and the files it copies). */
export const IMAGES_DIR = resolve(__dirname, '../../images');

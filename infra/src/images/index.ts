export { buildAppImage, APP_IMAGE_TAG, NODE_IMAGE_ARG, type AppImageInput } from './app-image';
export { buildImage, findCurrentImage, normalizeBuildOptions, formatBytes, type BuildImageInput, type BuiltImage } from './build-image';
export { checkEngine, assertEngine, imageExists, inspectImage, removeImage, resolveImageEngine, parseImageEngine, type EngineName, type ImageInfo } from './container-engine';
export { readImageRecord, DEFAULT_RECORD_DIR, type ImageRecord } from './image-record';
export { hashBuildInputs } from './inputs-hash';
export { buildOfflineImages, OFFLINE_IMAGES, BASE_TAG, type OfflineImageName } from './offline-image-set';

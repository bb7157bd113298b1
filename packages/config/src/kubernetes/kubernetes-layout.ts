import type { Variant } from '../stack-model';

export const KUBE_DIR = 'configs/kubernetes';
export const KUBE_BASE_DIR = `${KUBE_DIR}/base`;

/**
 * The base's secretGenerator reads `secrets/<file>` below the base directory (kustomize loads no file from
 * outside the kustomization root): `qraft-config secrets --images registry --out configs/kubernetes/base`
 * generates them there, or a person puts their own. The directory is git-ignored.
 */
export const KUBE_SECRETS_ROOT = KUBE_BASE_DIR;

export const kubeOverlayDir = (variant: Variant) => `${KUBE_DIR}/overlays/${variant}`;

/** The namespace each overlay deploys into. */
export const KUBE_NAMESPACES: Readonly<Record<Variant, string>> = { dev: 'qraft-dev', prod: 'qraft' };

/** The dev overlay adapted for `podman kube play` on the offline image set (infra:kube-test). */
export const KUBE_PODMAN_OVERLAY_DIR = `${KUBE_DIR}/overlays/podman`;

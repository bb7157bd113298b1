#!/usr/bin/env bash
# Nested engines for the engine matrix: current Docker and Podman (Debian trixie) inside a container
# of the host's Docker, built and fed without a registry. The stack runs in that container's own
# network namespace, so its fixed ports never collide with a stack on the host.
# Everything it creates is named qraft-matrix-*; `clean` removes it again.
set -euo pipefail
# shellcheck source=lib/apt-mirror.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/apt-mirror.sh"

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ROOTFS_IMAGE=qraft-matrix/trixie:rootfs
ENGINE_IMAGE=qraft-matrix/engines:trixie
CACHE=$REPO/infra/.cache/matrix

usage() {
  cat <<'USAGE'
Usage: infra/scripts/nested-engine.sh <command> [docker|podman] [args]

  image                  build qraft-matrix/engines:trixie in the host's Docker: debootstrap trixie from
                         this host's Debian mirror (cached in infra/.cache/matrix), docker import, then
                         apt-get install docker.io, docker-compose, podman, podman-compose, netavark, nodejs
  start <engine>         start container qraft-matrix-<engine> (checkout mounted at the same path) and the
                         engine inside it; waits until it answers (docker: dockerd; podman: its API socket)
  load <engine>          load the offline image set (qraft-offline/*) from the host's Docker into it: docker save | load
  exec <engine> CMD...   run CMD inside, in the checkout, with CI=true NX_DAEMON=false NX_NO_CLOUD=true
  stop <engine>          remove container qraft-matrix-<engine> and its volume
  clean [--images]       remove every qraft-matrix-* container and volume (and with --images the images)

Runs as root on a host whose Docker answers. Needs debootstrap (infra/scripts/engine.sh installs it).
USAGE
}

log() { printf 'nested-engine: %s\n' "$*" >&2; }
die() { printf 'nested-engine: %s\n' "$*" >&2; exit 1; }
engine_arg() {
  case "${1:-}" in
    docker|podman) echo "$1" ;;
    *) die "say which nested engine: docker or podman (got '${1:-}') — see --help" ;;
  esac
}
wait_for() { # seconds, command...
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt "$deadline" ] || return 1
    sleep 0.5
  done
}

build_image() {
  docker info >/dev/null 2>&1 || die "the host's Docker does not answer — run infra/scripts/engine.sh --docker (as root)"
  if ! docker image inspect "$ROOTFS_IMAGE" >/dev/null 2>&1; then
    local tar=$CACHE/trixie-minbase.tar mirror
    mirror=$(debian_mirror)
    if [ ! -s "$tar" ]; then
      [ "$(id -u)" -eq 0 ] || die "debootstrap needs root — re-run as root (sudo)"
      command -v debootstrap >/dev/null || die "debootstrap is not installed — run infra/scripts/engine.sh --docker (as root) or apt-get install -y debootstrap"
      export_apt_proxy
      mkdir -p "$CACHE"
      local work; work=$(mktemp -d "$CACHE/tmp-XXXXXX")
      log "debootstrap --variant=minbase trixie from $mirror (about a minute) …"
      local start=$SECONDS
      if ! debootstrap --variant=minbase --include=ca-certificates trixie "$work/root" "$mirror" >"$work/debootstrap.log" 2>&1; then
        tail -n 15 "$work/debootstrap.log" >&2
        rm -rf "$work"
        die "debootstrap of trixie from $mirror failed — is the mirror reachable? (set QRAFT_DEBIAN_MIRROR to use another)"
      fi
      echo "deb $mirror trixie main" >"$work/root/etc/apt/sources.list"
      rm -rf "$work/root/var/lib/apt/lists"/* "$work/root/var/cache/apt"/*.bin
      tar -C "$work/root" -cf "$work/rootfs.tar" .
      mv "$work/rootfs.tar" "$tar"
      rm -rf "$work"
      log "debootstrap done in $((SECONDS - start)) s ($(du -m "$tar" | cut -f1) MB)"
    fi
    docker import "$tar" "$ROOTFS_IMAGE" >/dev/null
    log "imported $ROOTFS_IMAGE"
  fi
  log "building $ENGINE_IMAGE (apt-get install of the trixie engines; cached after the first time) …"
  local start=$SECONDS
  docker build -q -t "$ENGINE_IMAGE" "$REPO/infra/matrix/engines" >/dev/null
  log "built $ENGINE_IMAGE in $((SECONDS - start)) s"
}

start_engine() {
  local engine=$1 name=qraft-matrix-$1
  docker image inspect "$ENGINE_IMAGE" >/dev/null 2>&1 || build_image
  docker rm -f "$name" >/dev/null 2>&1 || true
  # Nx runs the packages' scripts through pnpm: the host's own pnpm (a single binary in pnpm 12) is mounted.
  local pnpm_bin
  pnpm_bin=$(readlink -f "$(command -v pnpm)") || die "pnpm is not on PATH — npm install -g pnpm@12.4.2"
  # The app image's `pnpm deploy` copies from the store: the host's store, at the same path, spares a download.
  local store
  store=$(cd "$REPO" && pnpm store path 2>/dev/null) || store=
  local store_mount=() # pnpm's store and settings
  if [ -n "$store" ] && [ -d "$store" ]; then store_mount=(-v "$store:$store" --label "qraft-matrix.pnpm-store=$store"); fi
  # pnpm still asks the registry (lockfile policies): the host's npm settings and CA bundle go along, so a
  # company registry, proxy or TLS-inspecting CA works inside as it does outside.
  [ ! -f "$HOME/.npmrc" ] || store_mount+=(-v "$HOME/.npmrc:/root/.npmrc:ro")
  [ ! -f /etc/ssl/certs/ca-certificates.crt ] || store_mount+=(-v /etc/ssl/certs/ca-certificates.crt:/etc/ssl/certs/ca-certificates.crt:ro)
  # --privileged fails on hosts whose bounding set lacks CAP_SYS_RESOURCE (these VMs): every other cap
  # instead. The engine's storage sits on volumes, since overlay on the container's overlay fails.
  local privileges=(--privileged)
  local bounding; bounding=$(awk '/^CapBnd/ {print $2}' /proc/self/status)
  if (( ((16#$bounding) >> 24 & 1) == 0 )); then
    privileges=(--cap-add ALL --cap-drop SYS_RESOURCE --security-opt seccomp=unconfined
      --security-opt apparmor=unconfined --security-opt systempaths=unconfined -v /dev:/dev)
  fi
  # cgroup v1 (these VMs): the host's hierarchy, writable. cgroup v2 (GitHub runners): a private namespace,
  # nested the way docker:dind's entrypoint does it (below) — not tried on these machines, which are v1.
  local cgroups=(-v /sys/fs/cgroup:/sys/fs/cgroup:rw)
  if [ -f /sys/fs/cgroup/cgroup.controllers ]; then cgroups=(--cgroupns=private); fi
  docker run -d --name "$name" --hostname "$name" --init \
    "${privileges[@]}" "${cgroups[@]}" \
    -v "$name-lib:/var/lib/$([ "$engine" = docker ] && echo docker || echo containers)" \
    -v "$REPO:$REPO" -w "$REPO" -v "$(dirname "$pnpm_bin"):/opt/pnpm:ro" "${store_mount[@]}" \
    --label qraft-matrix=1 \
    "$ENGINE_IMAGE" >/dev/null
  docker exec "$name" ln -sf "/opt/pnpm/$(basename "$pnpm_bin")" /usr/local/bin/pnpm
  # cgroup v2: move every process out of the root group so the engine may enable controllers for its own.
  docker exec "$name" sh -c 'if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
      mkdir -p /sys/fs/cgroup/init && xargs -rn1 </sys/fs/cgroup/cgroup.procs >/sys/fs/cgroup/init/cgroup.procs 2>/dev/null || :
      sed -e "s/ / +/g" -e "s/^/+/" </sys/fs/cgroup/cgroup.controllers >/sys/fs/cgroup/cgroup.subtree_control; fi'
  if [ "$engine" = docker ]; then
    docker exec -d "$name" sh -c 'dockerd >/var/log/dockerd.log 2>&1'
    wait_for 60 docker exec "$name" docker info || { docker exec "$name" tail -n 20 /var/log/dockerd.log >&2; die "dockerd in $name did not answer within 60 s"; }
  else
    docker exec -d "$name" sh -c 'mkdir -p /run/podman && podman system service --time=0 unix:///run/podman/podman.sock >/var/log/podman-service.log 2>&1'
    wait_for 60 docker exec "$name" curl -sf --unix-socket /run/podman/podman.sock http://d/_ping || { docker exec "$name" tail -n 20 /var/log/podman-service.log >&2; die "podman's API socket in $name did not answer within 60 s"; }
  fi
  log "$name: $engine answers"
}

load_images() {
  local engine=$1 name=qraft-matrix-$1 images
  mapfile -t images < <(docker image ls --format '{{.Repository}}:{{.Tag}}' --filter reference='qraft-offline/*')
  [ ${#images[@]} -gt 0 ] || die "the host's Docker has no qraft-offline/* images — build them first: pnpm nx run infra:offline-images -- --engine docker"
  local start=$SECONDS
  log "loading ${#images[@]} images into $name: ${images[*]} …"
  docker save "${images[@]}" | docker exec -i "$name" "$engine" load -q >/dev/null
  log "loaded in $((SECONDS - start)) s"
}

exec_in() {
  local engine=$1; shift
  # The host's pnpm store, mounted at the same path by `start`: named explicitly, since pnpm would otherwise
  # make a new one on the checkout's mount and download every package again.
  local store
  store=$(docker inspect "qraft-matrix-$engine" --format '{{index .Config.Labels "qraft-matrix.pnpm-store"}}' 2>/dev/null) || store=
  docker exec -e CI=true -e NX_DAEMON=false -e NX_NO_CLOUD=true -e FORCE_COLOR=0 -e PODMAN_IGNORE_CGROUPSV1_WARNING=1 \
    ${store:+-e "pnpm_config_store_dir=$store"} -w "$REPO" "qraft-matrix-$engine" "$@"
}

clean() {
  local ids
  ids=$(docker ps -aq --filter name='^qraft-matrix-')
  [ -z "$ids" ] || docker rm -f $ids >/dev/null
  ids=$(docker volume ls -q --filter name='^qraft-matrix-')
  [ -z "$ids" ] || docker volume rm $ids >/dev/null
  if [ "${1:-}" = --images ]; then
    docker image rm "$ENGINE_IMAGE" "$ROOTFS_IMAGE" >/dev/null 2>&1 || true
  fi
  log "removed qraft-matrix-* containers and volumes${1:+ and images}"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
  image) build_image ;;
  start) start_engine "$(engine_arg "${1:-}")" ;;
  load) load_images "$(engine_arg "${1:-}")" ;;
  exec) e=$(engine_arg "${1:-}"); shift; exec_in "$e" "$@" ;;
  stop) e=$(engine_arg "${1:-}"); docker rm -f "qraft-matrix-$e" >/dev/null 2>&1 || true; docker volume rm "qraft-matrix-$e-lib" >/dev/null 2>&1 || true ;;
  clean) clean "${1:-}" ;;
  -h|--help|help) usage ;;
  '') usage >&2; exit 2 ;;
  *) die "unknown command '$cmd' — see --help" ;;
esac

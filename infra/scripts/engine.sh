#!/usr/bin/env bash
# Engine bootstrap for Debian/Ubuntu hosts, run as root, with or without systemd.
# Installs and starts only what is missing; a second run changes nothing and says so.
# An engine that already answers is left alone.
# It is never run implicitly: `nx run infra:engine` or `.ci/run` call it on purpose.
set -euo pipefail
# shellcheck source=lib/apt-mirror.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/apt-mirror.sh"

usage() {
  cat <<'EOF'
Usage: infra/scripts/engine.sh [--docker] [--podman] [--servers] [--all] [--json]

Installs and starts a container engine for the Qraft stack on a Debian/Ubuntu host (as root).
  --docker    Docker engine (docker.io) + compose v2 + buildx plugins, dockerd started without systemd
  --podman    Podman + podman-compose, the rlimit fix, and the Docker-API socket /run/podman/podman.sock
  --servers   nats-server, prometheus and clickhouse-server binaries (not started) for the test suites
  --all       all of the above (default when no option is given)
  --json      print the actions taken as JSON on the last line
Each step is idempotent: what is already present is reported as "present" and left alone.
EOF
}

want_docker=0 want_podman=0 want_servers=0 json=0
for arg in "$@"; do
  case "$arg" in
    --docker) want_docker=1 ;;
    --podman) want_podman=1 ;;
    --servers) want_servers=1 ;;
    --all) want_docker=1 want_podman=1 want_servers=1 ;;
    --json) json=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "engine: unknown option '$arg' — see --help" >&2; exit 2 ;;
  esac
done
if [ $((want_docker + want_podman + want_servers)) -eq 0 ]; then want_docker=1 want_podman=1 want_servers=1; fi

if [ "$(id -u)" -ne 0 ]; then
  echo "engine: must run as root (it installs packages and starts daemons) — re-run with sudo" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "engine: apt-get not found — this bootstrap supports Debian/Ubuntu only; install Docker or Podman by hand (see docs/requirements.md)" >&2
  exit 1
fi

actions=()
say() { printf 'engine: %-28s %s\n' "$1" "$2"; actions+=("{\"item\":\"$1\",\"result\":\"$2\"}"); }
export DEBIAN_FRONTEND=noninteractive
apt_updated=0
apt_install() {
  if [ $apt_updated -eq 0 ]; then apt-get update -qq >/dev/null; apt_updated=1; fi
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
pkg_present() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
ensure_pkgs() {
  local missing=()
  for p in "$@"; do pkg_present "$p" || missing+=("$p"); done
  if [ ${#missing[@]} -eq 0 ]; then say "packages $*" present; else apt_install "${missing[@]}"; say "packages ${missing[*]}" installed; fi
}

# Compose v2 and buildx are not in bookworm; trixie's .debs hold static binaries that run here.
plugin_dir=/usr/local/lib/docker/cli-plugins
install_trixie_plugins() {
  local need=()
  [ -x "$plugin_dir/docker-compose" ] || need+=(docker-compose)
  [ -x "$plugin_dir/docker-buildx" ] || need+=(docker-buildx)
  if [ ${#need[@]} -eq 0 ]; then say "compose v2 + buildx plugins" present; return; fi
  local tmp; tmp=$(mktemp -d)
  mkdir -p "$tmp/lists/partial" "$tmp/debs"
  # The host's own Debian mirror (a company mirror or proxy keeps working), trixie suite.
  export_apt_proxy
  echo "deb $(debian_mirror) trixie main" >"$tmp/sources.list"
  apt-get -qq -o Dir::Etc::SourceList="$tmp/sources.list" -o Dir::Etc::SourceParts=/dev/null \
    -o Dir::State::Lists="$tmp/lists" update >/dev/null
  (cd "$tmp/debs" && apt-get -qq -o Dir::Etc::SourceList="$tmp/sources.list" -o Dir::Etc::SourceParts=/dev/null \
    -o Dir::State::Lists="$tmp/lists" download "${need[@]}" >/dev/null)
  mkdir -p "$plugin_dir"
  for deb in "$tmp"/debs/*.deb; do
    dpkg-deb -x "$deb" "$tmp/x"
  done
  for p in "${need[@]}"; do install -m 0755 "$tmp/x/usr/libexec/docker/cli-plugins/$p" "$plugin_dir/$p"; done
  rm -rf "$tmp"
  say "plugins ${need[*]}" "installed from trixie"
}

wait_for() { # $1 seconds, rest: command
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.2
  done
}

start_dockerd() {
  if docker info >/dev/null 2>&1; then say dockerd running; return; fi
  # A daemon killed by SIGKILL leaves its pid file behind and the next start refuses.
  if [ -f /var/run/docker.pid ] && ! kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then rm -f /var/run/docker.pid; fi
  mkdir -p /var/log
  setsid dockerd >/var/log/dockerd.log 2>&1 </dev/null &
  if ! wait_for 60 docker info; then
    echo "engine: dockerd did not answer within 60 s — see /var/log/dockerd.log" >&2
    tail -n 20 /var/log/dockerd.log >&2 || true
    exit 1
  fi
  say dockerd started
}

podman_ulimits() {
  local conf=/etc/containers/containers.conf
  if grep -qs '^default_ulimits' "$conf"; then say "podman default_ulimits" present; return; fi
  mkdir -p /etc/containers
  # Without CAP_SYS_RESOURCE podman cannot raise nofile; cap it where the VM allows.
  if grep -qs '^\[containers\]' "$conf"; then
    sed -i '/^\[containers\]/a default_ulimits=["nofile=20000:20000","nproc=32768:32768"]' "$conf"
  else
    printf '[containers]\ndefault_ulimits=["nofile=20000:20000","nproc=32768:32768"]\n' >>"$conf"
  fi
  say "podman default_ulimits" written
}

start_podman_socket() {
  local sock=/run/podman/podman.sock
  if curl -sf --unix-socket "$sock" http://d/_ping >/dev/null 2>&1; then say "podman API socket" running; return; fi
  mkdir -p /run/podman
  rm -f "$sock"
  setsid podman system service --time=0 "unix://$sock" >/var/log/podman-service.log 2>&1 </dev/null &
  if ! wait_for 30 curl -sf --unix-socket "$sock" http://d/_ping; then
    echo "engine: podman API socket did not answer within 30 s — see /var/log/podman-service.log" >&2
    exit 1
  fi
  say "podman API socket" "started ($sock)"
}

# debian-archive-keyring: debootstrap of Debian suites on Ubuntu hosts (GitHub runners) verifies with it.
ensure_pkgs ca-certificates curl iptables debootstrap debian-archive-keyring busybox-static
if [ $want_docker -eq 1 ]; then
  # An engine that already answers (Docker CE on CI runners, Docker Desktop) is used as it is:
  # installing docker.io beside docker-ce's containerd.io would conflict.
  if docker info >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
    say "docker engine + compose v2" "present ($(docker version --format '{{.Server.Version}}' 2>/dev/null))"
  else
    ensure_pkgs docker.io
    install_trixie_plugins
    start_dockerd
  fi
fi
if [ $want_podman -eq 1 ]; then
  # catatonit is the init podman runs for `init: true`; without it no container with init starts.
  # dnsname gives CNI networks (podman 4.3 on bookworm) service-name DNS, which compose networks rely on.
  ensure_pkgs podman podman-compose catatonit golang-github-containernetworking-plugin-dnsname
  podman_ulimits
  start_podman_socket
fi
if [ $want_servers -eq 1 ]; then
  servers_missing=0
  for p in nats-server prometheus clickhouse-server; do pkg_present "$p" || servers_missing=1; done
  ensure_pkgs nats-server prometheus clickhouse-server
  # Debian's postinst starts nothing without systemd, but stop what an install just started so test
  # ports stay free. Only then: on a shared machine a running nats-server is someone's test server.
  if [ $servers_missing -eq 1 ]; then
    for svc in nats-server prometheus clickhouse-server; do
      pkill -x "$svc" >/dev/null 2>&1 && say "$svc (started by its package)" stopped || true
    done
  fi
fi

if [ $json -eq 1 ]; then
  (IFS=,; echo "{\"actions\":[${actions[*]}]}")
fi

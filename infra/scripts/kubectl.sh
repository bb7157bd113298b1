#!/usr/bin/env bash
# kubectl (with its built-in kustomize) for rendering and checking configs/kubernetes/ on a Debian host.
# Bookworm has no kubectl; trixie's kubectl .deb (what its kubernetes-client 1.32.3 depends on; that
# package itself holds only docs) holds a Go binary that runs here.
# Fetched the way engine.sh fetches compose: a private trixie source list, `apt-get download`,
# `dpkg-deb -x` — the .deb is never installed with dpkg -i. Idempotent; run as root.
set -euo pipefail

target=/usr/local/bin/kubectl
json=0
for arg in "$@"; do
  case "$arg" in
    --json) json=1 ;;
    -h|--help)
      cat <<'USAGE'
Usage: infra/scripts/kubectl.sh [--json]

Installs /usr/local/bin/kubectl from Debian trixie's kubectl package (1.32.3, as root).
A /usr/local/bin/kubectl that already answers is left alone and reported as "present".
  --json   print {"item":"kubectl","result":…,"version":…} on the last line
USAGE
      exit 0 ;;
    *) echo "kubectl.sh: unknown option '$arg' — see --help" >&2; exit 2 ;;
  esac
done

report() { # result
  local version; version=$("$target" version --client -o json 2>/dev/null | sed -n 's/.*"gitVersion": *"\([^"]*\)".*/\1/p' | head -n1)
  if [ $json -eq 1 ]; then printf '{"item":"kubectl","result":"%s","version":"%s"}\n' "$1" "$version"
  else printf 'kubectl.sh: %-10s %s (%s)\n' kubectl "$1" "${version:-unknown version}"; fi
}

# Only our own copy counts: another kubectl on PATH (a cloud SDK's dispatcher, say) may be any version.
if [ -x "$target" ] && "$target" version --client >/dev/null 2>&1; then report present; exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "kubectl.sh: must run as root (it writes $target) — re-run with sudo, or install kubectl by hand" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-deb >/dev/null 2>&1; then
  echo "kubectl.sh: apt-get and dpkg-deb not found — this script supports Debian/Ubuntu only; install kubectl by hand (docs/kubernetes.md)" >&2
  exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/lists/partial" "$tmp/debs"
echo "deb http://deb.debian.org/debian trixie main" >"$tmp/sources.list"
apt_opts=(-qq -o Dir::Etc::SourceList="$tmp/sources.list" -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$tmp/lists")
echo "kubectl.sh: reading the trixie package list" >&2
apt-get "${apt_opts[@]}" update >/dev/null
echo "kubectl.sh: downloading kubectl from trixie" >&2
# "/trixie": a host with a cloud SDK's kubectl package (epoch 1:) would otherwise make apt pick that one.
(cd "$tmp/debs" && apt-get "${apt_opts[@]}" download kubectl/trixie >/dev/null 2>&1)
dpkg-deb -x "$tmp"/debs/kubectl_*.deb "$tmp/x"
if [ ! -x "$tmp/x/usr/bin/kubectl" ]; then
  echo "kubectl.sh: trixie's kubectl package holds no usr/bin/kubectl — install kubectl by hand (docs/kubernetes.md)" >&2
  exit 1
fi
install -m 0755 "$tmp/x/usr/bin/kubectl" "$target"
report "installed from trixie"

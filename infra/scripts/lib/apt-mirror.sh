# Sourced by engine.sh and nested-engine.sh: the Debian mirror and proxy this host's apt already uses,
# so a company mirror or proxy keeps working for the trixie downloads and the debootstrap.
# Usage: debian_mirror → prints the first Debian archive URI apt is configured with (not -security/-updates),
# falling back to QRAFT_DEBIAN_MIRROR when set, else deb.debian.org when apt lists none (Ubuntu hosts).
debian_mirror() {
  if [ -n "${QRAFT_DEBIAN_MIRROR:-}" ]; then echo "${QRAFT_DEBIAN_MIRROR%/}"; return; fi
  local uri
  # indextargets reads every sources.list / .sources file the way apt does, deb822 and one-line alike.
  uri=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 'Identifier: Packages' 2>/dev/null \
    | awk '$2 !~ /-(security|updates|backports)$/ && $1 !~ /security/ {print $1; exit}')
  if [ -z "$uri" ] || ! grep -qs "Debian" /etc/os-release; then uri=http://deb.debian.org/debian; fi
  echo "${uri%/}"
}

# Exports http_proxy/https_proxy from apt's Acquire::http(s)::Proxy when apt has one and the
# environment does not, so debootstrap and apt with a private source list go the same way.
export_apt_proxy() {
  local p
  if [ -z "${http_proxy:-}" ]; then
    eval "$(apt-config shell p Acquire::http::Proxy)"
    if [ -n "${p:-}" ] && [ "$p" != DIRECT ]; then export http_proxy=$p; fi
  fi
  p=
  if [ -z "${https_proxy:-}" ]; then
    eval "$(apt-config shell p Acquire::https::Proxy)"
    if [ -n "${p:-}" ] && [ "$p" != DIRECT ]; then export https_proxy=$p; fi
  fi
}

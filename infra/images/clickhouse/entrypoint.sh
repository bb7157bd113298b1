#!/bin/sh
# As upstream clickhouse-server's entrypoint: no arguments, or options only, start the server with the
# image's config; anything else runs as a command (e.g. `clickhouse-client`).
set -e
if [ "$#" -eq 0 ] || [ "${1#--}" != "$1" ]; then
  exec /usr/sbin/clickhouse-server --config-file="${CLICKHOUSE_CONFIG:-/etc/clickhouse-server/config.xml}" "$@"
fi
exec "$@"

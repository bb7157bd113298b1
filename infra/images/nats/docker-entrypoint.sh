#!/bin/sh
# As upstream nats:alpine: arguments that start with "-" are options for nats-server.
set -e
if [ "${1#-}" != "$1" ]; then
  set -- nats-server "$@"
fi
exec "$@"

#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster and prints its URL on stdout (nothing else goes to stdout).
#
#   TILL_DATABASE=$(.ci/postgres.sh)        # start one (installs Debian's postgresql if missing and root)
#   .ci/postgres.sh stop "$TILL_DATABASE"   # stop it and delete its files
#
# The cluster runs as an unprivileged user (`postgres` when started by root, else the caller), on a
# free TCP port on 127.0.0.1, with its data and socket under one temporary directory, trust
# authentication for local connections only, and fsync on (the tests measure real commits).
set -euo pipefail

log() { echo "postgres.sh: $*" >&2; }

find_bindir() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

if [ "${1:-}" = stop ]; then
  url="${2:?usage: postgres.sh stop URL}"
  port="${url##*:}"; port="${port%%/*}"
  dir=$(cat "/tmp/till-pg-$port.dir" 2>/dev/null || true)
  [ -n "$dir" ] || { log "no cluster known on port $port"; exit 1; }
  bindir=$(find_bindir)
  owner=$(stat -c %U "$dir/data")
  if [ "$(id -u)" = 0 ] && [ "$owner" != root ]; then
    su -s /bin/sh "$owner" -c "'$bindir/pg_ctl' -D '$dir/data' -m fast -w stop" >&2 || true
  else
    "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
  fi
  rm -rf "$dir" "/tmp/till-pg-$port.dir"
  exit 0
fi

if ! bindir=$(find_bindir); then
  if [ "$(id -u)" = 0 ]; then
    log "installing postgresql from the distribution's packages"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >&2 || true
  fi
  bindir=$(find_bindir) || { log "PostgreSQL is not installed and could not be installed"; exit 2; }
fi

# PostgreSQL refuses to run as root: run it as `postgres` (the package's user) or the caller.
run_as=""
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  run_as=postgres
fi
as_user() {
  if [ -n "$run_as" ]; then su -s /bin/sh "$run_as" -c "$*"; else sh -c "$*"; fi
}

# A free port: ask the kernel for one, then let PostgreSQL take it (retried if someone else did).
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null \
    || echo $((20000 + RANDOM % 20000))
}

dir=$(mktemp -d /tmp/till-pg.XXXXXX)
chmod 755 "$dir"
[ -n "$run_as" ] && chown "$run_as" "$dir"
as_user "'$bindir/initdb' -D '$dir/data' -U till --auth=trust -E UTF8 --locale=C.UTF-8 >'$dir/initdb.log' 2>&1" \
  || { log "initdb failed:"; cat "$dir/initdb.log" >&2; exit 2; }
cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
max_connections = 200
shared_buffers = 128MB
fsync = on
synchronous_commit = on
log_min_messages = warning
CONF

for attempt in 1 2 3 4 5; do
  port=$(free_port)
  if as_user "'$bindir/pg_ctl' -D '$dir/data' -o '-p $port' -l '$dir/server.log' -w -t 30 start >/dev/null 2>&1"; then
    echo "$dir" >"/tmp/till-pg-$port.dir"
    url="postgres://till@127.0.0.1:$port/till"
    as_user "'$bindir/createdb' -h 127.0.0.1 -p $port -U till till" >&2
    log "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') running as ${run_as:-$(id -un)} at $url"
    echo "$url"
    exit 0
  fi
  log "start on port $port failed (attempt $attempt)"
done
log "PostgreSQL would not start:"; cat "$dir/server.log" >&2 || true
exit 2

#!/usr/bin/env bash
# Starts a private PostgreSQL for local development (no system service, no password) and
# prints the two environment variables that point Portal at it.
#
#   eval "$(scripts/dev-postgres.sh start)"   # start (idempotent) and export the settings
#   dotnet run --project Portal               # Portal now runs on PostgreSQL
#   scripts/dev-postgres.sh stop            # (status: is it running?)
#
# Needs Debian's 'postgresql' package. Data lives in ${PORTAL_PG_DIR:-App_Data/postgres}.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

dir="$(realpath -m "${PORTAL_PG_DIR:-App_Data/postgres}")"
port="${PORTAL_PG_PORT:-55432}"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
[ -n "$bin" ] || { echo "PostgreSQL is not installed: sudo apt-get install postgresql" >&2; exit 1; }

as_pg() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-start}" in
  start)
    if [ ! -f "$dir/PG_VERSION" ]; then
      mkdir -p "$dir"
      [ "$(id -u)" = "0" ] && chown postgres:postgres "$dir"
      as_pg "$bin/initdb" -D "$dir" -U portal --auth=trust -E UTF8 >/dev/null
    fi
    if ! as_pg "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
      as_pg "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1" start >/dev/null
    fi
    as_pg "$bin/psql" -h 127.0.0.1 -p "$port" -U portal -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = 'portal'" | grep -q 1 \
      || as_pg "$bin/createdb" -h 127.0.0.1 -p "$port" -U portal portal
    echo "export Database__Provider=Postgres"
    echo "export ConnectionStrings__Portal='Host=127.0.0.1;Port=$port;Database=portal;Username=portal'"
    ;;
  stop)
    as_pg "$bin/pg_ctl" -D "$dir" -m fast stop
    ;;
  status)
    as_pg "$bin/pg_ctl" -D "$dir" status
    ;;
  *)
    echo "usage: $0 [start|stop|status]" >&2
    exit 2
    ;;
esac

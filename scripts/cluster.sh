#!/usr/bin/env bash
# A local two-instance Portal cluster for development: one private PostgreSQL (started by
# dev-postgres.sh, on its own directory and port), two portal processes on 127.0.0.1:5101 and
# 127.0.0.1:5102 sharing that database and one artifact directory. Each instance keeps its own data
# directory (logs); cookies, antiforgery tokens, jobs and files work across both.
#
#   scripts/cluster.sh start    # build once, start PostgreSQL and both instances, print the URLs
#   scripts/cluster.sh status   # which processes run, and whether each instance is ready
#   scripts/cluster.sh stop     # stop both instances, then PostgreSQL
#
# Settings (environment): PORTAL_CLUSTER_DIR (default App_Data/cluster), PORTAL_CLUSTER_PORTS
# (default "5101 5102"), PORTAL_PG_PORT (default 55433), PORTAL_CLUSTER_NO_BUILD=1 to skip the build.
# Needs Debian's 'postgresql' package. See docs/architecture.md, "Running several instances".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo="$(pwd)"

dir="$(realpath -m "${PORTAL_CLUSTER_DIR:-App_Data/cluster}")"
read -r -a ports <<< "${PORTAL_CLUSTER_PORTS:-5101 5102}"
names=(node-a node-b)
export PORTAL_PG_DIR="$dir/postgres"
export PORTAL_PG_PORT="${PORTAL_PG_PORT:-55433}"
dll="$repo/Portal/bin/Debug/net10.0/Portal.dll"

pid_of() { cat "$dir/${names[$1]}/portal.pid" 2>/dev/null || true; }
alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }

wait_ready() {
  local url="$1" pid="$2" log="$3"
  for _ in $(seq 1 120); do
    if ! alive "$pid"; then
      echo "cluster: the instance at $url exited during start-up; last lines of $log:" >&2
      tail -n 30 "$log" >&2
      return 1
    fi
    curl -fsS -o /dev/null "$url/readyz" 2>/dev/null && return 0
    sleep 0.5
  done
  echo "cluster: $url did not become ready within 60 s (log: $log)" >&2
  return 1
}

start() {
  command -v curl >/dev/null || { echo "cluster: needs curl" >&2; exit 1; }
  mkdir -p "$dir/shared"
  eval "$(scripts/dev-postgres.sh start)"
  if [ "${PORTAL_CLUSTER_NO_BUILD:-}" != "1" ]; then
    dotnet build Portal/Portal.csproj -nologo -v q >/dev/null
  fi

  # One after the other: the first applies the migrations and creates the data-protection key,
  # the second finds both in the database.
  for i in 0 1; do
    local name="${names[$i]}" port="${ports[$i]}"
    local node="$dir/$name"
    mkdir -p "$node"
    if alive "$(pid_of "$i")"; then
      echo "cluster: $name already runs (pid $(pid_of "$i"))"
      continue
    fi

    (
      cd Portal
      PORTAL_DATA_DIR="$node" Storage__Root="$dir/shared" Scheduler__InstanceId="$name" \
      ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}" \
        nohup dotnet "$dll" --urls "http://127.0.0.1:$port" >"$node/portal.out" 2>&1 </dev/null &
      echo $! >"$node/portal.pid"
    )
    wait_ready "http://127.0.0.1:$port" "$(pid_of "$i")" "$node/portal.out"
  done

  echo "Portal cluster is running (database $ConnectionStrings__Portal, shared artifacts $dir/shared):"
  for i in 0 1; do
    echo "  ${names[$i]}: http://127.0.0.1:${ports[$i]}  (pid $(pid_of "$i"), log $dir/${names[$i]}/portal.out)"
  done
  echo "First run: open /setup on either instance to create the first administrator."
}

status() {
  local down=0
  for i in 0 1; do
    local pid url="http://127.0.0.1:${ports[$i]}"
    pid="$(pid_of "$i")"
    if alive "$pid"; then
      local ready="not ready"
      curl -fsS -o /dev/null "$url/readyz" 2>/dev/null && ready="ready"
      echo "${names[$i]}: $url pid $pid, $ready"
    else
      echo "${names[$i]}: stopped"
      down=1
    fi
  done

  if scripts/dev-postgres.sh status >/dev/null 2>&1; then echo "postgres: running on 127.0.0.1:$PORTAL_PG_PORT"; else echo "postgres: stopped"; down=1; fi
  return "$down"
}

stop() {
  for i in 0 1; do
    local pid
    pid="$(pid_of "$i")"
    if alive "$pid"; then
      kill -TERM "$pid"
      for _ in $(seq 1 60); do alive "$pid" || break; sleep 0.5; done
      alive "$pid" && kill -KILL "$pid"
      echo "cluster: stopped ${names[$i]} (pid $pid)"
    fi
    rm -f "$dir/${names[$i]}/portal.pid"
  done

  if [ -f "$PORTAL_PG_DIR/PG_VERSION" ]; then
    scripts/dev-postgres.sh stop >/dev/null 2>&1 || true
    echo "cluster: stopped postgres"
  fi
}

case "${1:-}" in
  start) start ;;
  status) status ;;
  stop) stop ;;
  *) echo "usage: $0 start|status|stop" >&2; exit 2 ;;
esac

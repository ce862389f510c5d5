#!/usr/bin/env bash
# Runs every Portal test: unit, component, integration (SQLite and PostgreSQL) and the
# Playwright browser suite. On a fresh Debian machine run it as root once: it installs what
# the tests need (Chromium, hdf5-tools, PostgreSQL) with apt-get, then runs `dotnet test`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

missing=()
[ -x /usr/bin/chromium ] || [ -n "${PORTAL_CHROMIUM:-}" ] || missing+=(chromium)
command -v h5dump >/dev/null 2>&1 || missing+=(hdf5-tools)
if [ "${PORTAL_SKIP_POSTGRES_TESTS:-}" != "1" ] && [ -z "${PORTAL_TEST_POSTGRES:-}" ] \
   && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  missing+=(postgresql)
fi

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "test.sh: missing ${missing[*]}. Install with: sudo apt-get install ${missing[*]}  (or run this script as root)." >&2
    exit 1
  fi
fi

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

status=0
dotnet test Portal.sln "$@" 2>&1 | tee "$log" || status=$?

# One closing line over all test assemblies: "N passed, N failed, N skipped".
awk '/Failed: *[0-9]+, Passed: *[0-9]+, Skipped: *[0-9]+/ {
       for (i = 1; i <= NF; i++) {
         if ($i == "Failed:")  { f += $(i+1) + 0 }
         if ($i == "Passed:")  { p += $(i+1) + 0 }
         if ($i == "Skipped:") { s += $(i+1) + 0 }
       }
       found = 1
     }
     END { if (found) printf "%d passed, %d failed, %d skipped\n", p, f, s; else print "0 passed, 0 failed" }' "$log"
exit "$status"

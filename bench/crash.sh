#!/usr/bin/env bash
# Crash-safety trials at full count (issue 9): the e2e fault-injection scenarios (simulation job,
# report rerun, H5 publish, alias promotion), each with PORTAL_CRASH_TRIALS seeded SIGKILL trials
# (default here 10; CI runs 3). PORTAL_CRASH_SEED=<n> replays a printed sequence. Needs h5dump
# (hdf5-tools). Prints every trial's kill delay, state after the kill and settle time at the end.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PORTAL_CRASH_TRIALS="${PORTAL_CRASH_TRIALS:-10}" DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
dotnet build e2e -v quiet -nologo
log=e2e/bin/Debug/net10.0/crash-trials/crash-trials.log
rm -f "$log"
start=$(date +%s)
status=0
dotnet test e2e --no-build --filter "FullyQualifiedName~ProcessTests.FaultInjection" || status=$?
echo "--- crash trials ($PORTAL_CRASH_TRIALS per scenario, $(( $(date +%s) - start )) s) ---"
cat "$log" 2>/dev/null || true
exit "$status"

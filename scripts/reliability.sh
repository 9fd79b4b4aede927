#!/usr/bin/env bash
# The long versions of the ingestion app's reliability and security checks (docs/reliability.md).
#
#   scripts/reliability.sh [check ...]      checks: crash-sqlite crash-s3 faults hostile auth timing (default: all)
#
# Builds the harness and the app (Release), makes sure node and s3rver are installed (scripts/services.sh; the harness
# runs an s3rver of its own), prints the machine and its load average, runs each check and its summary line, and
# writes everything to artifacts/reliability/<UTC time>.log. Exits 1 if any check failed. Takes about half an hour on
# two cores; the short versions of the same checks run with the tests (scripts/test.sh).
# Sizes can be changed through the environment: CRASH_CYCLES (100), HOSTILE_CASES (100000), FAULT_SECONDS (10),
# AUTH_GUESSES (200), TIMING_SAMPLES (20000).
set -euo pipefail
cd "$(dirname "$0")/.."

checks=("$@")
[[ ${#checks[@]} -eq 0 ]] && checks=(crash-sqlite crash-s3 faults hostile auth timing)
for check in "${checks[@]}"; do
  case "$check" in
    crash-sqlite | crash-s3 | faults | hostile | auth | timing) ;;
    *) echo "unknown check '$check' (crash-sqlite crash-s3 faults hostile auth timing)" >&2; exit 2 ;;
  esac
done

mkdir -p artifacts/reliability
log="artifacts/reliability/$(date -u +%Y%m%dT%H%M%SZ).log"
scripts/services.sh acquire $$ >/dev/null
trap 'scripts/services.sh release $$' EXIT

dotnet build tests/DestinationKit.Reliability -c Release -nologo -v quiet >/dev/null
harness=(dotnet tests/DestinationKit.Reliability/bin/Release/net10.0/DestinationKit.Reliability.dll)

{
  echo "reliability run $(date -u +%Y-%m-%dT%H:%M:%SZ) at $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- app || echo ' (app modified)')"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), .NET $(dotnet --version), load average $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$log"

failed=()
for check in "${checks[@]}"; do
  case "$check" in
    crash-sqlite) args=(crash --sink sqlite --cycles "${CRASH_CYCLES:-100}") ;;
    crash-s3) args=(crash --sink s3 --cycles "${CRASH_CYCLES:-100}") ;;
    faults) args=(faults --seconds "${FAULT_SECONDS:-10}") ;;
    hostile) args=(hostile --cases "${HOSTILE_CASES:-100000}") ;;
    auth) args=(auth --guesses "${AUTH_GUESSES:-200}") ;;
    timing) args=(timing --samples "${TIMING_SAMPLES:-20000}") ;;
  esac
  echo "== $check: ${args[*]} (load average $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$log"
  start=$SECONDS
  if ! "${harness[@]}" "${args[@]}" 2>&1 | tee -a "$log"; then
    failed+=("$check")
  fi
  echo "== $check took $((SECONDS - start)) s" | tee -a "$log"
done

echo | tee -a "$log"
grep -E '^(CRASH|FAULTS|HOSTILE|AUTH|TIMING) ' "$log" | tee -a "$log.summary"
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "FAILED: ${failed[*]} (details in $log)"
  exit 1
fi
echo "all passed (details in $log)"

#!/usr/bin/env bash
# One-command load benchmark of the ingestion app (Release build, 127.0.0.1 only, bounded in time).
#   tests/DestinationKit.Ingestion.Benchmarks/run.sh [--duration 20] [--no-build]
# Needs wrk (Debian: apt-get install -y wrk). Prints the parse-only ceiling, the HTTP ceiling (an endpoint that only
# reads and parses), and the real endpoint at 64 and 8 connections: durably acknowledged profiles/s, p50/p99,
# errors, queryable-state lag, catch-up time and the app's peak RSS.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
duration=20
build=1
only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    --only) only="$2"; shift 2 ;;   # http | 64 | 8: run one scenario
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }
command -v curl >/dev/null || { echo "curl is missing" >&2; exit 2; }

work="$(mktemp -d /tmp/dk-bench.XXXXXX)"
port="${BENCH_PORT:-5099}"
url="http://127.0.0.1:$port"
app_pid=""
mon_pid=""
cleanup() {
  [ -n "$mon_pid" ] && kill "$mon_pid" 2>/dev/null || true
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

if [ "$build" = 1 ]; then
  dotnet build -c Release "$root/app/DestinationKit.Ingestion" -v q -nologo >/dev/null
  dotnet build -c Release "$here" -v q -nologo >/dev/null
fi
app_dll="$root/app/DestinationKit.Ingestion/bin/Release/net10.0/DestinationKit.Ingestion.dll"
bench_dll="$here/bin/Release/net10.0/DestinationKit.Ingestion.Benchmarks.dll"

echo "== load average before the run: $(cut -d' ' -f1-3 /proc/loadavg) (other processes on this machine share the 2 cores)"
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(dotnet --version), $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
dotnet "$bench_dll" gen --out "$work/bodies" --bodies 1000 --profiles 100
echo "== parse-only ceiling (System.Text.Json over the same bodies, one core)"
dotnet "$bench_dll" parse --dir "$work/bodies" --seconds 5

key="$(dotnet "$app_dll" keys create --tenant bench --Ingestion:DataDirectory="$work/data" | tail -1)"
export DOTNET_gcServer="${DOTNET_gcServer:-0}"
dotnet "$app_dll" --urls "$url" --Ingestion:DataDirectory="$work/data" --Ingestion:EnableParseOnlyEndpoint=true \
  --Logging:LogLevel:Default=Warning --Logging:Console:FormatterName=simple ${APP_ARGS:-} >"$work/app.log" 2>&1 &
app_pid=$!
for _ in $(seq 1 100); do curl -sf "$url/health/ready" >/dev/null && break; sleep 0.2; done
curl -sf "$url/health/ready" >/dev/null || { cat "$work/app.log"; exit 1; }

# Every 0.5 s: the state's lag as the app reports it, and the app's resident memory.
( while kill -0 "$app_pid" 2>/dev/null; do
    printf '%s %s\n' "$(curl -s "$url/health/ready" | sed -E 's/.*"pendingRequests":([0-9]+),"lagSeconds":([0-9.]+).*/\1 \2/')" \
      "$(awk '/VmRSS/{print $2}' "/proc/$app_pid/status" 2>/dev/null)" >>"$work/monitor.log"
    sleep 0.5
  done ) &
mon_pid=$!

run() { # name path connections seconds
  local name="$1" path="$2" conns="$3" secs="$4"
  : >"$work/monitor.log"
  local out
  out="$(BODY_DIR="$work/bodies" BODY_COUNT=1000 API_KEY="$key" TARGET_PATH="$path" \
    wrk -t2 -c"$conns" -d"${secs}s" --timeout 10s -s "$here/post.lua" "$url" | grep '^RESULT')"
  local requests dur non2xx sockerr p50 p99
  requests=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$out"); dur=$(sed -E 's/.*duration_s=([0-9.]+).*/\1/' <<<"$out")
  non2xx=$(sed -E 's/.*non2xx=([0-9]+).*/\1/' <<<"$out"); sockerr=$(sed -E 's/.*socket_errors=([0-9]+).*/\1/' <<<"$out")
  p50=$(sed -E 's/.*p50_ms=([0-9.]+).*/\1/' <<<"$out"); p99=$(sed -E 's/.*p99_ms=([0-9.]+).*/\1/' <<<"$out")
  local max_pending max_lag
  max_pending=$(awk '{ if ($1+0 > m) m = $1+0 } END { print m+0 }' "$work/monitor.log")
  max_lag=$(awk '{ if ($2+0 > m) m = $2+0 } END { print m+0 }' "$work/monitor.log")
  # Time for the queryable state to apply everything acknowledged.
  local t0 t1 pending
  t0=$(date +%s.%N)
  while true; do
    pending=$(curl -s "$url/health/ready" | sed -E 's/.*"pendingRequests":([0-9]+).*/\1/')
    [ "$pending" = 0 ] && break
    sleep 0.1
  done
  t1=$(date +%s.%N)
  printf '%-28s conns=%-3s requests=%-7s profiles/s=%-8.0f p50=%6.2fms p99=%7.2fms non2xx=%s socket_errors=%s max_pending_requests=%s max_lag_s=%s catch_up_s=%.1f\n' \
    "$name" "$conns" "$requests" "$(echo "$requests * 100 / $dur" | bc -l)" "$p50" "$p99" "$non2xx" "$sockerr" "$max_pending" "$max_lag" "$(echo "$t1 - $t0" | bc -l)"
}

echo "== warm-up"
run "warm-up (not counted)" /v1/profiles 16 3 >/dev/null
echo "== HTTP ceiling: /bench/parse-only reads and validates the body, stores nothing"
[ -z "$only" ] || [ "$only" = http ] && run "http ceiling" /bench/parse-only 64 "$duration"
echo "== the real endpoint: durable acknowledgement (group commit, fsync) then the asynchronous state"
[ -z "$only" ] || [ "$only" = 64 ] && run "POST /v1/profiles" /v1/profiles 64 "$duration"
[ -z "$only" ] || [ "$only" = 8 ] && run "POST /v1/profiles" /v1/profiles 8 "$duration"
echo "== app peak RSS (VmHWM): $(awk '/VmHWM/{printf "%.0f MB", $2/1024}' "/proc/$app_pid/status")"
echo "== data: $(du -sh "$work/data" | cut -f1) in $work/data (log.db + state.db), removed on exit"

#!/usr/bin/env bash
# The batch reader's benchmark (docs/benchmarks.md, "Batch ingestion"): a generated 1,000,000-row gzip CSV export read
# from local disk, then from Azurite and s3rver, next to `gzip -dc FILE > /dev/null` on the same file as the ceiling.
#   tests/DestinationKit.Ingestion.Benchmarks/batch-run.sh [ROWS]     (services: scripts/services.sh start)
set -euo pipefail
cd "$(dirname "$0")/../.."
rows="${1:-1000000}"
export DOTNET_gcServer=0   # workstation GC, as run.sh does for the app
out="artifacts/batch-bench"
bench=(dotnet tests/DestinationKit.Ingestion.Benchmarks/bin/Release/net10.0/DestinationKit.Ingestion.Benchmarks.dll batch)
dotnet build tests/DestinationKit.Ingestion.Benchmarks -c Release -nologo -v quiet >/dev/null
rm -rf "$out" && mkdir -p "$out"
"${bench[@]}" gen --out "$out" --rows "$rows"
file=$(ls "$out"/*.csv.gz)
compressed=$(stat -c %s "$file")
uncompressed=$(gzip -dc "$file" | wc -c)
echo "FILE $file rows=$rows compressed_bytes=$compressed uncompressed_bytes=$uncompressed"
echo "uptime: $(uptime)"
for i in 1 2 3; do
  start=$(date +%s.%N); gzip -dc "$file" > /dev/null; end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" -v u="$uncompressed" -v c="$compressed" -v r="$rows" \
    'BEGIN { t = e - s; printf "CEILING gzip -dc seconds=%.2f rows_per_s=%.0f uncompressed_mb_per_s=%.1f compressed_mb_per_s=%.1f\n", t, r / t, u / 1e6 / t, c / 1e6 / t }'
done
for i in 1 2 3; do "${bench[@]}" csv --source "$out"; done
for i in 1 2 3; do "${bench[@]}" parse --source "$out"; done
for i in 1 2; do "${bench[@]}" ingest --source "$out"; done
if [[ -f artifacts/services/env ]]; then
  set -a; . artifacts/services/env; set +a
  azurite=$("${bench[@]}" upload --dir "$out" --to azurite)
  "${bench[@]}" ingest --source "$azurite"
  s3=$("${bench[@]}" upload --dir "$out" --to s3)
  "${bench[@]}" ingest --source "$s3"
else
  echo "no artifacts/services/env: run scripts/services.sh start for the Azurite and s3rver runs" >&2
fi

#!/usr/bin/env bash
# Prints the destination configuration (JSON, key → value) the deploy-test workflow deploys for one target.
set -euo pipefail
target="$1"
case "$target" in
  dlz)
    cat <<JSON
{"destination:mode": "batch", "destination:target": "dlz", "destination:namePrefix": "dkci",
 "destination:tenants": "[\"ci\"]", "destination:destinationName": "DestinationKit CI"}
JSON
    ;;
  gcp-gcs)
    : "${GCP_PROJECT:?set the GCP_PROJECT secret}"
    cat <<JSON
{"destination:mode": "batch", "destination:target": "gcp-gcs", "destination:region": "europe-west1",
 "destination:namePrefix": "dkci", "destination:tenants": "[\"ci\"]", "destination:destinationName": "DestinationKit CI",
 "gcp:project": "$GCP_PROJECT"}
JSON
    ;;
  *)
    echo "no CI configuration for target $target yet" >&2
    exit 2
    ;;
esac

#!/usr/bin/env bash
# The test `destinationkit ephemeral` runs against a fresh deployment. DK_STACK_OUTPUTS names a file with the stack's
# outputs (as `pulumi stack output --json --show-secrets` writes them, so it holds credentials: never print it);
# DK_STACK is the stack's name. Exit code 0 means the deployment works:
#   - the Destination SDK document is complete;
#   - streaming targets: `simulate streaming` delivers every request as AEP would, `simulate audiences` creates, updates
#     and deletes audiences with stable ids;
#   - batch targets: `simulate batch` writes AEP's export files into the landing store with the tenant's own
#     credentials, and the app's `batch ingest` reads back exactly the files and rows the simulator reported.
# Every check asserts on the commands' JSON summaries (artifacts/deploy-test/*.json, uploaded by the workflow).
set -euo pipefail
: "${DK_STACK_OUTPUTS:?run through destinationkit ephemeral}"
out="artifacts/deploy-test"
private="${RUNNER_TEMP:-$(mktemp -d)}/dk-private"
mkdir -p "$out" && (umask 077 && mkdir -p "$private")
configuration="${DK_BUILD_CONFIGURATION:-Release}"
dk=(dotnet "infra/DestinationKit.Automation/bin/$configuration/net10.0/destinationkit.dll")
app=(dotnet "app/DestinationKit.Ingestion/bin/$configuration/net10.0/DestinationKit.Ingestion.dll")
tenant=ci-test
profiles="${DK_PROFILES:-500}"

fail() { echo "::error::$*" >&2; exit 1; }

# assert <summary.json> <jq expression> <what it means>: the expression must be true of the summary.
assert() { jq -e "$2" "$1" > /dev/null || fail "$(basename "$1"): expected $3 ($2); got $(jq -c "$2" "$1" 2>/dev/null)"; }

# The tenant's entry of the stack's credentials output (JSON text or an object), masked in the log field by field.
credentials() {
  jq -c --arg t "$tenant" '(.credentials // "{}") | (if type == "string" then fromjson else . end) | .[$t] // {}' "$DK_STACK_OUTPUTS" > "$private/credentials.json"
  jq -r '.. | strings' "$private/credentials.json" | while read -r value; do [[ ${#value} -ge 8 ]] && echo "::add-mask::$value"; done
}
field() { jq -r --arg f "$1" '.[$f] // empty' "$private/credentials.json"; }

# 1. The Destination SDK document Adobe would get is complete and well-formed.
"${dk[@]}" aep-config --stack-outputs "$DK_STACK_OUTPUTS" --out "$out/aep-configuration.json"
type=$(jq -r '.destinationServer.destinationServerType' "$out/aep-configuration.json")
echo "stack $DK_STACK: destination server type $type"
credentials

# 2. Streaming: play AEP's deliveries and audience calls.
if [[ "$type" == URL_BASED ]]; then
  "${dk[@]}" simulate streaming --aep-config "$DK_STACK_OUTPUTS" --credentials "$private/credentials.json" --tenant "$tenant" \
    --profiles "$profiles" --time-scale 0.001 --progress lines --summary "$out/streaming.json"
  assert "$out/streaming.json" '.ok' "everything accepted"
  assert "$out/streaming.json" ".profilesGenerated == $profiles" "$profiles profiles generated"
  assert "$out/streaming.json" '.requests.dropped == 0 and .requests.accepted == .requests.total and .requests.total > 0' "every request accepted"
  assert "$out/streaming.json" '.invalidJsonBodies == 0' "every body valid JSON"
  if jq -e '.audienceTemplate' "$out/aep-configuration.json" > /dev/null; then
    "${dk[@]}" simulate audiences --aep-config "$DK_STACK_OUTPUTS" --credentials "$private/credentials.json" --tenant "$tenant" --summary "$out/audiences.json"
    assert "$out/audiences.json" '.ok and all(.audiences[]; .stableOnRepeatedCreate)' "stable external audience ids"
  fi
  exit 0
fi

# 3. Batch: AEP's export into the landing store, with the tenant's credentials from the stack outputs.
extra=()
if [[ -n "${DK_EXTRA_CREDENTIALS:-}" ]]; then
  # What the stack cannot hand out (ADLS Gen2: the partner's service principal secret), from the workflow's secrets.
  (umask 077 && printf '%s' "$DK_EXTRA_CREDENTIALS" > "$private/extra.json")
  extra=(--credentials "$private/extra.json")
fi
where=()
if [[ "$type" == FILE_BASED_DLZ ]]; then
  sas=$(jq -r --arg t "$tenant" '(.ingestionSources // "{}") | (if type == "string" then fromjson else . end) | .[$t].sasUri // empty' "$DK_STACK_OUTPUTS")
  if [[ -z "$sas" ]]; then
    echo "::notice::no DLZ_SAS_URI secret: $DK_STACK was deployed and its AEP configuration checked; no export written"
    exit 0
  fi
  echo "::add-mask::$sas"
  # Adobe's container outlives this stack: each run writes a folder of its own.
  where=(--location "dlz:$tenant/run-${GITHUB_RUN_ID:-local}-${GITHUB_RUN_ATTEMPT:-1}")
fi
"${dk[@]}" simulate batch --aep-config "$DK_STACK_OUTPUTS" --tenant "$tenant" "${extra[@]}" "${where[@]}" \
  --profiles "$profiles" --audiences 3 --max-rows 100 --manifest --progress lines --summary "$out/batch.json"
assert "$out/batch.json" '.ok' "every file written"
assert "$out/batch.json" ".profilesGenerated == $profiles and (.audiences | length) == 3" "$profiles profiles in 3 audiences"
assert "$out/batch.json" '.rows > 0 and ([.audiences[].rows] | add) == .rows' "rows, per audience and in total"
assert "$out/batch.json" 'all(.audiences[]; (.files | length) == ((.rows + 99) / 100 | floor) and all(.files[]; .rows <= 100))' "files split at 100 rows"
assert "$out/batch.json" '.manifest != null' "a manifest"

# 4. The app's batch reader reads the same location back, as a partner's ingestion would, into a data folder of its own.
location=$(jq -r .location "$out/batch.json")
reader=(batch ingest --tenant "$tenant" --identity-columns "$(jq -r '.identityColumns | join(",")' "$out/batch.json")" --data-dir "$private/app-data")
case "$type" in
  FILE_BASED_S3)
    # The tenant's own key instead of the job's: it must be allowed to read and list what AEP wrote.
    env -u AWS_SESSION_TOKEN -u AWS_PROFILE AWS_ACCESS_KEY_ID="$(field accessKeyId)" AWS_SECRET_ACCESS_KEY="$(field secretAccessKey)" \
      "${app[@]}" "${reader[@]}" --source "$location" | tee "$out/ingest.txt" ;;
  FILE_BASED_GOOGLE_CLOUD)
    # The job's own Google credentials (Application Default Credentials) through the JSON API.
    "${app[@]}" "${reader[@]}" --source "$location" | tee "$out/ingest.txt" ;;
  FILE_BASED_AZURE_BLOB)
    AZURE_STORAGE_CONNECTION_STRING=$(field connectionString) "${app[@]}" "${reader[@]}" --source "$location" | tee "$out/ingest.txt" ;;
  FILE_BASED_SFTP)
    (umask 077 && field sshKey | base64 -d > "$private/sftp-key")
    "${app[@]}" "${reader[@]}" --source "$location" --sftp-key-file "$private/sftp-key" | tee "$out/ingest.txt" ;;
  FILE_BASED_DLZ)
    folder=${location#*://*/*/}
    "${app[@]}" "${reader[@]}" --source "${sas%%\?*}/${folder}?${sas#*\?}" | tee "$out/ingest.txt" ;;
  *)
    echo "::notice::$type: the app's reader needs the account's connection string, which the stack does not hand out; read-back skipped"
    exit 0 ;;
esac
read -r files rows < <(grep -oE '[0-9]+ ingested \([0-9]+ rows, 0 quarantined\), 0 skipped, 0 failed' "$out/ingest.txt" | grep -oE '[0-9]+' | head -2 | xargs)
[[ -n "${files:-}" ]] || fail "batch ingest did not ingest everything cleanly (see ingest.txt)"
jq -n --argjson files "$files" --argjson rows "$rows" '{files: $files, rows: $rows}' > "$out/ingested.json"
assert "$out/batch.json" ".files == $files and .rows == $rows" "the app to ingest the files and rows written ($files files, $rows rows)"
echo "$DK_STACK: $files files, $rows rows written by the simulator and read back by the app"

#!/usr/bin/env bash
# The test `destinationkit ephemeral` runs against a fresh deployment. DK_STACK_OUTPUTS names a file with the stack's
# outputs (as `pulumi stack output --json --show-secrets` writes them, so it holds credentials: never print it);
# DK_STACK is the stack's name. Exit code 0 means the deployment works.
set -euo pipefail
: "${DK_STACK_OUTPUTS:?run through destinationkit ephemeral}"
out="artifacts/deploy-test"
mkdir -p "$out"
simulator=(dotnet run --no-build -c Release --project app/DestinationKit.Simulator --)

# 1. The Destination SDK document Adobe would get is complete and well-formed.
"${simulator[@]}" aep-config --stack-outputs "$DK_STACK_OUTPUTS" --out "$out/aep-configuration.json"
mode=$(jq -r '.destinationServer.destinationServerType' "$out/aep-configuration.json")
echo "stack $DK_STACK: destination server type $mode"

# 2. Play AEP against it.
if [[ "$mode" == URL_BASED ]]; then
  creds="$RUNNER_TEMP/credentials.json"
  (umask 077 && jq -r '.credentials' "$DK_STACK_OUTPUTS" > "$creds")
  "${simulator[@]}" simulate streaming --aep-config "$DK_STACK_OUTPUTS" --credentials "$creds" --tenant ci \
    --profiles "${DK_PROFILES:-500}" --time-scale 0.001 --summary "$out/streaming.json"
  "${simulator[@]}" simulate audiences --aep-config "$DK_STACK_OUTPUTS" --credentials "$creds" --tenant ci
elif "${simulator[@]}" simulate --help | grep -qE '^\s+(batch|exports)\s'; then
  command=$("${simulator[@]}" simulate --help | grep -oE '^\s+(batch|exports)\s' | tr -d ' ' | head -1)
  "${simulator[@]}" simulate "$command" --aep-config "$DK_STACK_OUTPUTS" --tenant ci --summary "$out/batch.json"
else
  echo "::notice::the simulator has no batch command yet; $DK_STACK was deployed and its AEP configuration checked"
fi

#!/usr/bin/env bash
# Builds and tests the whole solution: the README's test command, and what CI runs.
#
# The Pulumi layer (projects with a PackageReference to a Pulumi package) is built and tested wherever its
# packages can be restored from the configured NuGet sources. Where they cannot, those projects are skipped
# and one plain line says which and why; everything else is still built and tested. Any other failure fails.
set -euo pipefail
cd "$(dirname "$0")/.."

configuration="${CONFIGURATION:-Debug}"
mkdir -p artifacts
mapfile -t projects < <(dotnet sln Infra.sln list | grep '\.csproj$' | tr '\\' '/')

included=()
skipped=()
missing=()
for project in "${projects[@]}"; do
  if ! grep -q 'PackageReference Include="Pulumi' "$project"; then
    included+=("$project")
    continue
  fi
  log="artifacts/restore-$(basename "$project" .csproj).log"
  if dotnet restore "$project" >"$log" 2>&1; then
    included+=("$project")
    continue
  fi
  # Only a Pulumi package that the sources do not have is a reason to skip; anything else is a real failure.
  unavailable=$(grep -oE 'error NU110[123]: Unable to find package Pulumi(\.[A-Za-z]+)*' "$log" \
    | sed -E 's/.*Unable to find package //' | sort -u || true)
  other=$(grep -E 'error ' "$log" | grep -vE 'error NU110[123]: Unable to find package Pulumi' || true)
  if [[ -z "$unavailable" || -n "$other" ]]; then
    cat "$log" >&2
    echo "restore of $project failed for a reason other than missing Pulumi packages" >&2
    exit 1
  fi
  skipped+=("$(dirname "$project")")
  while IFS= read -r package; do
    version=$(grep -oE "PackageVersion Include=\"$package\" Version=\"[^\"]+\"" Directory.Packages.props | sed -E 's/.*Version="([^"]+)"/\1/')
    missing+=("$package $version")
  done <<<"$unavailable"
done

# A solution filter with the projects that can be built here.
{
  printf '{ "solution": { "path": "../Infra.sln", "projects": ['
  for i in "${!included[@]}"; do
    [[ $i -gt 0 ]] && printf ','
    printf '\n  "%s"' "${included[$i]}"
  done
  printf '\n] } }\n'
} > artifacts/test.slnf

# Local stand-ins of the cloud stores (Azurite, s3rver, sftp; docs/local-services.md): started unless they already run,
# stopped at the end when this run started them; the tests find them through the variables of the env file.
scripts/services.sh acquire $$
trap 'scripts/services.sh release $$' EXIT
# shellcheck source=/dev/null
source artifacts/services/env

dotnet build artifacts/test.slnf -c "$configuration" -nologo -v quiet

set +e
dotnet test artifacts/test.slnf -c "$configuration" --no-build -nologo 2>&1 | tee artifacts/test.log
status=${PIPESTATUS[0]}
set -e

# One summary line over all test assemblies: "N passed, N failed, N skipped".
read -r passed failed skipped_tests < <(grep -E '^(Passed|Failed)!' artifacts/test.log | awk -F'[:,]' '
  { for (i = 1; i < NF; i++) {
      if ($i ~ /Failed$/) f += $(i+1); if ($i ~ /Passed$/) p += $(i+1); if ($i ~ /Skipped$/) s += $(i+1) } }
  END { print p+0, f+0, s+0 }')
echo
if [[ ${#skipped[@]} -gt 0 ]]; then
  packages=$(printf '%s\n' "${missing[@]}" | sort -u | paste -sd ',' | sed 's/,/, /g')
  echo "SKIPPED (Pulumi packages not available from the configured NuGet sources: $packages): $(printf '%s ' "${skipped[@]}")"
else
  echo "Pulumi layer: built and tested (all Pulumi packages restored)."
fi
echo "$passed passed, $failed failed, $skipped_tests skipped"
exit "$status"

#!/usr/bin/env bash
# Prints the destination configuration (JSON, key → value) the deploy-test workflow deploys for one matrix entry:
# a target, and for SFTP the cloud (sftp-aws, sftp-azure). One tenant, ci-test, which the test script plays.
set -euo pipefail
name="$1"
aws_region="${AWS_REGION:-eu-west-1}"
azure_location="${AZURE_LOCATION:-westeurope}"
gcp_region="${GCP_REGION:-europe-west1}"
common='"destination:namePrefix": "dkci", "destination:destinationName": "DestinationKit CI"'
tenants='"destination:tenants": "[\"ci-test\"]"'
streaming='"destination:mode": "streaming", "destination:identityNamespaces": "{\"email_lc_sha256\": {}}",
 "destination:profileFields": "[{\"name\": \"firstName\", \"title\": \"First name\"}]"'
case "$name" in
  dlz)
    echo "{\"destination:mode\": \"batch\", \"destination:target\": \"dlz\", $common, $tenants}" ;;
  gcp-gcs)
    : "${GCP_PROJECT:?set the GCP_PROJECT secret}"
    echo "{\"destination:mode\": \"batch\", \"destination:target\": \"gcp-gcs\", \"destination:region\": \"$gcp_region\", $common, $tenants, \"gcp:project\": \"$GCP_PROJECT\"}" ;;
  aws-s3)
    echo "{\"destination:mode\": \"batch\", \"destination:target\": \"aws-s3\", \"destination:region\": \"$aws_region\", $common, $tenants, \"aws:region\": \"$aws_region\"}" ;;
  sftp-aws)
    echo "{\"destination:mode\": \"batch\", \"destination:target\": \"sftp\", \"destination:cloud\": \"aws\", \"destination:region\": \"$aws_region\", $common, $tenants, \"aws:region\": \"$aws_region\"}" ;;
  azure-blob | sftp-azure)
    target=$([[ "$name" == sftp-azure ]] && echo '"destination:target": "sftp", "destination:cloud": "azure"' || echo '"destination:target": "azure-blob"')
    echo "{\"destination:mode\": \"batch\", $target, \"destination:region\": \"$azure_location\", $common, $tenants}" ;;
  azure-adls)
    # The partner's own service principal for the tenant (docs/azure.md); its secret reaches the simulator separately.
    : "${ADLS_SP_OBJECT_ID:?set the ADLS_SP_OBJECT_ID secret}" "${ADLS_SP_CLIENT_ID:?set the ADLS_SP_CLIENT_ID secret}"
    echo "{\"destination:mode\": \"batch\", \"destination:target\": \"azure-adls\", \"destination:region\": \"$azure_location\", $common,
 \"destination:tenants\": \"[{\\\"id\\\": \\\"ci-test\\\", \\\"servicePrincipalObjectId\\\": \\\"$ADLS_SP_OBJECT_ID\\\", \\\"servicePrincipalClientId\\\": \\\"$ADLS_SP_CLIENT_ID\\\"}]\"}" ;;
  aws)
    echo "{$streaming, \"destination:target\": \"aws\", \"destination:region\": \"$aws_region\", $common, $tenants, \"aws:region\": \"$aws_region\"}" ;;
  azure)
    echo "{$streaming, \"destination:target\": \"azure\", \"destination:region\": \"$azure_location\", $common, $tenants}" ;;
  gcp)
    : "${GCP_PROJECT:?set the GCP_PROJECT secret}"
    echo "{$streaming, \"destination:target\": \"gcp\", \"destination:region\": \"$gcp_region\", $common, $tenants, \"gcp:project\": \"$GCP_PROJECT\"}" ;;
  *)
    echo "no CI configuration for $name" >&2
    exit 2 ;;
esac

#!/usr/bin/env bash
# The test command: builds every module and runs all tests against real emulators
# (DynamoDB Local in-process, the aws-ses-v2-local npm emulator started by the tests themselves;
# LocalStack through Testcontainers too where a Docker engine is reachable, SKIPPED with the reason where not).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
# npm is needed by the SES v2 emulator; the tests install it from testing/ses-emulator/package-lock.json
command -v npm >/dev/null || { echo "npm is required (Node.js 20+)" >&2; exit 1; }
exec mvn -B -ntp verify "$@"

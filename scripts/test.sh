#!/usr/bin/env bash
# The test command: builds every module and runs all tests against real emulators
# (DynamoDB Local in-process, the aws-ses-v2-local npm emulator started by the tests themselves;
# LocalStack through Testcontainers too where a Docker engine is reachable, SKIPPED with the reason where not).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${JAVA_HOME:-}" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-21-jdk-amd64 /usr/lib/jvm/java-21-openjdk-amd64; do
    if [ -x "$candidate/bin/java" ]; then export JAVA_HOME="$candidate"; break; fi
  done
fi
export PATH="$JAVA_HOME/bin:$PATH"
# npm is needed by the SES v2 emulator; the tests install it from testing/ses-emulator/package-lock.json
command -v npm >/dev/null || { echo "npm is required (Node.js 20+)" >&2; exit 1; }
exec mvn -B -ntp verify "$@"

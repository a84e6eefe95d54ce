#!/usr/bin/env bash
# The test command: builds every module and runs all tests against real emulators
# (DynamoDB Local in-process, the aws-ses-v2-local npm emulator started by the tests themselves;
# the two screens in headless Chromium, installed from Debian's packages by scripts/browser-setup.sh;
# moto_server and the SAM transform (python3) where installed, LocalStack through Testcontainers where a Docker
# engine is reachable: each SKIPPED with the reason where not).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
# npm is needed by the SES v2 emulator; the tests install it from testing/ses-emulator/package-lock.json
command -v npm >/dev/null || { echo "npm is required (Node.js 20+)" >&2; exit 1; }
# Debian's chromium + chromium-driver for the browser tests, installed when missing (root + apt-get only)
scripts/browser-setup.sh
status=0
mvn -B -ntp verify "$@" || status=$?
# say plainly what was skipped and why (surefire only counts skips; the reasons are in its reports, as a message
# attribute or, for a JUnit assumption, as the first line of the skipped element's text)
reasons=$( { grep -ho '<skipped message="[^"]*"' */target/surefire-reports/TEST-*.xml 2>/dev/null \
  | sed -E 's/<skipped message="([^"]*)"/\1/'
  grep -ho '<skipped type="[^"]*"><!\[CDATA\[[^:]*: Assumption failed: .*' */target/surefire-reports/TEST-*.xml 2>/dev/null \
  | sed -E 's/.*Assumption failed: //'; } | sort | uniq -c | sort -rn || true)
if [ -n "$reasons" ]; then
  echo "Skipped tests, by reason:"
  echo "$reasons"
fi
exit "$status"

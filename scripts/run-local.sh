#!/usr/bin/env bash
# The run command: builds the local runner (first time, or after changes) and serves the whole API on
# http://127.0.0.1:${PORT:-3000} with an embedded DynamoDB Local (in memory; LOCAL_DATA_DIR=dir keeps data),
# and the two screens (web/) beside it: open http://127.0.0.1:${PORT:-3000}/ (WEB_PORT=n serves them on a second origin too).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
jar=local/target/invites-local.jar
if [ ! -f "$jar" ] || [ -n "$(find shared/src email/src local/src web pom.xml shared/pom.xml email/pom.xml local/pom.xml -newer "$jar" -type f 2>/dev/null | head -1)" ]; then
  echo "Building the local runner (mvn package, tests skipped)..." >&2
  mvn -B -q -ntp -DskipTests -pl local -am package
fi
exec java -jar "$jar" "$@"

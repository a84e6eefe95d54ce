#!/usr/bin/env bash
# The run command: builds the local runner (first time, or after changes) and serves the whole API on
# http://127.0.0.1:${PORT:-3000} with an embedded DynamoDB Local (in memory; LOCAL_DATA_DIR=dir keeps data).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${JAVA_HOME:-}" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-21-jdk-amd64 /usr/lib/jvm/java-21-openjdk-amd64; do
    if [ -x "$candidate/bin/java" ]; then export JAVA_HOME="$candidate"; break; fi
  done
fi
export PATH="$JAVA_HOME/bin:$PATH"
jar=local/target/invites-local.jar
if [ ! -f "$jar" ] || [ -n "$(find shared/src email/src local/src pom.xml shared/pom.xml email/pom.xml local/pom.xml -newer "$jar" -type f 2>/dev/null | head -1)" ]; then
  echo "Building the local runner (mvn package, tests skipped)..." >&2
  mvn -B -q -ntp -DskipTests -pl local -am package
fi
exec java -jar "$jar" "$@"

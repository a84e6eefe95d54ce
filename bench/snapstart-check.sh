#!/usr/bin/env bash
# Checks every function jar with the AWS Lambda SnapStart SpotBugs rules
# (software.amazon.lambda.snapstart:aws-lambda-snapstart-java-rules): handler state that a snapshot would
# freeze (random values, timestamps, ...). Fails on any SNAP_START finding. Run after a build
# (scripts/bench.sh or mvn package); not part of the test command.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
lib=bench/target/snapstart-check/lib
if [ ! -d "$lib" ]; then
  mvn -B -q -ntp -f bench/snapstart-check/pom.xml dependency:copy-dependencies -DoutputDirectory="$PWD/$lib"
fi
rules=$(ls "$lib"/aws-lambda-snapstart-java-rules-*.jar)
status=0
for jar in functions/*/target/*.jar; do
  case "$(basename "$jar")" in original-*) continue ;; esac
  if ! out=$(java -cp "$lib/*" edu.umd.cs.findbugs.FindBugs2 -pluginList "$rules" -onlyAnalyze 'io.roominvites.-' -low "$jar" 2>&1) \
      || grep -q 'Exception in thread' <<<"$out"; then
    echo "$jar: SpotBugs failed:"; echo "$out" | tail -20; status=1; continue
  fi
  found=$(grep 'SNAP_START' <<<"$out" || true)
  if [ -n "$found" ]; then
    echo "$jar: SnapStart findings:"; echo "$found"; status=1
  else
    echo "$jar: no SnapStart findings"
  fi
done
exit $status

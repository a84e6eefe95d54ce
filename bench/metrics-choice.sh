#!/usr/bin/env bash
# Powertools for AWS Lambda (Java) metrics against the hand-written Embedded Metric Format the functions use
# (io.roominvites.metrics.Metrics): what each adds to a function's cold start and to its jar. Each probe runs in a
# fresh JVM with Lambda's JVM flags and the redeem-invite function jar on its class path, writes the same metrics
# (a request by operation and outcome with its latency, an email sent) and reports the time from JVM start to the
# metrics written, and the classes loaded; the three probes alternate, N times each (default 15), medians printed.
# Run after a build (mvn package); not part of the test command. Figures: docs/observability.md.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
N=${N:-15}
work=bench/target/metrics-choice
lib=$work/lib
jar=functions/redeem-invite/target/redeem-invite.jar
[ -f "$jar" ] || { echo "build first: mvn -B package" >&2; exit 1; }
if [ ! -d "$lib" ]; then
  mvn -B -q -ntp -f bench/metrics-choice/pom.xml dependency:copy-dependencies -DoutputDirectory="$PWD/$lib" -DincludeScope=runtime
fi
mkdir -p "$work/classes"
cp "$jar" "$work/redeem-invite.jar" && jar="$work/redeem-invite.jar"   # a build running meanwhile cannot swap it
javac -d "$work/classes" -cp "$jar:$lib/*" bench/metrics-choice/src/*.java
flags=(-XX:+TieredCompilation -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -Xmx870m)
declare -A times classes
for i in $(seq "$N"); do
  for probe in BaselineProbe EmfProbe PowertoolsProbe; do
    cp="$work/classes:$jar"
    [ "$probe" = PowertoolsProbe ] && cp="$cp:$lib/*"
    # a Lambda environment as the runtime sets it: outside one, the EMF library behind Powertools probes for an
    # EC2 instance or a CloudWatch agent over the network instead of writing to stdout
    read -r _ ms n < <(env AWS_LAMBDA_FUNCTION_NAME=probe AWS_LAMBDA_FUNCTION_VERSION='$LATEST' \
        AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/probe AWS_LAMBDA_LOG_STREAM_NAME=probe AWS_REGION=us-east-1 \
        AWS_EXECUTION_ENV=AWS_Lambda_java21 LAMBDA_TASK_ROOT="$PWD" \
        timeout 60 java "${flags[@]}" -cp "$cp" "$probe" 2>&1 >/dev/null | grep '^PROBE')
    times[$probe]+="$ms "; classes[$probe]=$n
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "JVM start to metrics written, median of $N (ms), classes loaded:"
for probe in BaselineProbe EmfProbe PowertoolsProbe; do
  echo "  $probe: $(echo "${times[$probe]}" | median) ms, ${classes[$probe]} classes"
done
# what Powertools would add to a function jar: its jars and theirs, minus what the function jar already has
added=0
for f in "$lib"/*.jar; do
  name=$(basename "$f")
  case "$name" in aws-lambda-java-core-*|crac-*) continue ;; esac   # already in every function jar
  added=$((added + $(stat -c %s "$f")))
done
echo "Jar size: redeem-invite.jar $(stat -c %s "$jar") bytes; Powertools metrics adds $added bytes of jars:"
ls -l "$lib" | awk 'NR>1 {print "  " $5 " " $9}'

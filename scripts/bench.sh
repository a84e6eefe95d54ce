#!/usr/bin/env bash
# The benchmark command (bench/README.md): builds everything with the `bench` profile (tests skipped), then
# measures warm latency against the floor, contention, cold start and artifact sizes against DynamoDB Local
# on loopback, prints the table and writes it to bench/results/latest.md. Not part of the test command.
#   scripts/bench.sh            full run (a few minutes on 2 cores)
#   BENCH_QUICK=1 scripts/bench.sh   small samples, for a smoke run
#   BENCH_PROFILE=1 scripts/bench.sh JFR recordings of the warm runs in bench/target/logs/*.jfr
#   BENCH_ONLY=warm-redeem,cold scripts/bench.sh   only those parts (no report written), e.g. with BENCH_PROFILE
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
started=$(date +%s)
echo "Building (mvn -Pbench package, tests skipped)..." >&2
mvn -B -q -ntp -Pbench -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt \
  ${BENCH_MVN_ARGS:-}
built=$(date +%s)
echo "Built in $((built - started)) s; running the benchmark..." >&2
java -Dbench.root="$PWD" -Dbench.quick="${BENCH_QUICK:+true}" -Dbench.profile="${BENCH_PROFILE:+true}" \
  -Dbench.only="${BENCH_ONLY:-}" \
  -cp "bench/target/classes:$(cat bench/target/classpath.txt)" io.roominvites.bench.Bench
wall="Benchmark command wall time: $(( $(date +%s) - started )) s (build $((built - started)) s)"
if [ -z "${BENCH_ONLY:-}" ]; then
  echo "$wall" | tee -a bench/results/latest.md
else
  echo "$wall"
fi

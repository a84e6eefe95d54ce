#!/usr/bin/env bash
# The load benchmark (bench/README.md, "Load"): starts the local runner (in memory, on a free port), then 32
# concurrent clients send 60 s of mixed traffic (create, preview, redeem, re-entry, contested redeems, list,
# promote, revoke) over HTTP; checks no 5xx, no double redemption, no lost invite; prints requests/s and p99 and
# writes bench/results/load.md. Not part of the test command.
#   scripts/load.sh                          32 clients, 60 s
#   LOAD_CLIENTS=8 LOAD_SECONDS=10 scripts/load.sh   a smoke run
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
echo "Building (mvn -Pbench package, tests skipped)..." >&2
mvn -B -q -ntp -Pbench -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -pl local,bench -am
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 3917)
log=bench/target/load-runner.log
PORT=$port java -jar local/target/invites-local.jar >"$log" 2>&1 &
runner=$!
trap 'kill $runner 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  grep -q "room-invites local runner" "$log" && break
  kill -0 $runner 2>/dev/null || { echo "the runner did not start:" >&2; cat "$log" >&2; exit 1; }
  sleep 0.5
done
java -Dload.base="http://127.0.0.1:$port" -Dload.clients="${LOAD_CLIENTS:-32}" -Dload.seconds="${LOAD_SECONDS:-60}" \
  -Dload.out=bench/results/load.md -cp "bench/target/classes:$(cat bench/target/classpath.txt)" io.roominvites.bench.LoadBench

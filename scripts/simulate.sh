#!/usr/bin/env bash
# The simulation at scale (README, Tests): runs ServiceSimulationTest#many over many seeds, then each re-introduced
# defect over its own seeds, and writes the figures to bench/results/simulation.md (rewritten as it goes).
#   scripts/simulate.sh                 10,000 seeds from seed 1, 200 seeds per defect
#   scripts/simulate.sh 500 20001       500 seeds from seed 20001
#   SIM_DEFECT_SEEDS=50 scripts/simulate.sh 1000
#   SIM_WORKERS=8 ...                   seeds on 8 threads (default: one a core), each with a DynamoDB Local of its own
#   SIM_RESULTS=run-2.md ...           figures in bench/results/run-2.md instead
#   SIM_SKIP_BUILD=1 ...                the modules are installed already (mvn -pl integration-tests -am install -DskipTests)
# One failing seed replays exactly: mvn -pl integration-tests verify -Dtest=ServiceSimulationTest#seedsKeepEveryRule -Dsim.seed=N
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
seeds="${1:-10000}"
from="${2:-1}"
started=$(date +%s)
results="${SIM_RESULTS:-simulation.md}"
if [ -z "${SIM_SKIP_BUILD:-}" ]; then
  echo "Building (mvn -pl integration-tests -am install, tests skipped)..." >&2
  mvn -B -q -ntp -pl integration-tests -am install -DskipTests
fi
echo "Simulating $seeds seeds from seed $from..." >&2
mvn -B -ntp -pl integration-tests surefire:test -Dtest='ServiceSimulationTest#many' -Dsurefire.failIfNoSpecifiedTests=false \
  -Dsim.many=true -Dsim.seeds="$seeds" -Dsim.from="$from" -Dsim.defectSeeds="${SIM_DEFECT_SEEDS:-200}" -Dsim.results="$results" ${SIM_WORKERS:+-Dsim.workers="$SIM_WORKERS"} \
  -Dsurefire.timeout=0 ${SIM_MVN_ARGS:-}
echo "Simulation wall time: $(( $(date +%s) - started )) s; figures in bench/results/$results" | tee -a "bench/results/$results"

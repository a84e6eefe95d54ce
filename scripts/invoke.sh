#!/usr/bin/env bash
# `sam local invoke` without Docker:
#
#   scripts/invoke.sh <FunctionLogicalId> <event file, or - for stdin> [--env-vars FILE]
#
# Runs the function's built jar (its CodeUri in template.yaml, unpacked as Lambda's task root) under the official
# AWS Lambda Java runtime interface client (com.amazonaws:aws-lambda-java-runtime-interface-client 2.10.1) against
# the project's own Lambda Runtime API server on 127.0.0.1, with exactly the environment template.yaml and the
# env-vars file (default events/env.json) give that function, plus the caller's AWS region and credentials as
# `sam local` passes them. Prints the function's answer on stdout, its logs on stderr. Exit status 0 when the
# function answered, 1 when it failed (its error is printed), 2 for a usage or set-up problem.
# Needs `mvn -B package` first (the function jars, and local/target/lambda-runtime); Linux x86_64 or arm64 (the
# runtime client's native part). docs/deploy.md has the walk-through with the events.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/scripts/jdk.sh"
jar="$root/local/target/invites-local.jar"
if [ ! -f "$jar" ]; then
  echo "invoke: $jar is missing: run \`mvn -B package\` first" >&2
  exit 2
fi
# the launcher itself starts like a Lambda JVM too (C1 only, serial GC): it only reads files and serves loopback
exec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -cp "$jar" io.roominvites.local.invoke.Invoke --root "$root" "$@"

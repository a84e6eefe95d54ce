#!/usr/bin/env bash
# Copies the README's screenshots from the last browser-test run (integration-tests/target/screenshots/, written
# by ./scripts/test.sh) into docs/screens/, where the README shows them.
set -euo pipefail
cd "$(dirname "$0")/.."
from=integration-tests/target/screenshots
names=(manager-invite-users manager-suggestions manager-cannot-invite join-countdown join-lobby-mismatch join-entered join-locked join-countdown-phone
  manager-long-names join-long-names join-session-ended manager-session-ended join-code-form
  manager-guest-links manager-join-requests join-guest join-ask-waiting
  join-ar-countdown-390 join-ar-countdown-1280 join-ar-lobby-390 join-ar-lobby-1280 join-ar-entered-390 join-ar-entered-1280
  manager-de join-tokyo-from-new-york)
mkdir -p docs/screens
for n in "${names[@]}"; do
  [ -f "$from/$n.png" ] || { echo "$from/$n.png is missing: run ./scripts/test.sh first" >&2; exit 1; }
  cp "$from/$n.png" docs/screens/
done
echo "Copied ${#names[@]} screenshots to docs/screens/"

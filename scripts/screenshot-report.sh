#!/usr/bin/env bash
# Renders a simulation's HTML report in headless Chromium and saves a PNG, to check by eye that
# the self-contained report draws (charts, bands, tables) without any network.
# usage: scripts/screenshot-report.sh <policy.route> <scenario.yaml> [out.png]
# needs: chromium (Debian: apt-get install -y chromium)
set -euo pipefail
cd "$(dirname "$0")/.."
policy="${1:?usage: scripts/screenshot-report.sh <policy.route> <scenario.yaml> [out.png]}"
scenario="${2:?usage: scripts/screenshot-report.sh <policy.route> <scenario.yaml> [out.png]}"
out="${3:-/tmp/switchyard-report.png}"
html="$(mktemp --suffix=.html)"
profile="$(mktemp -d)" # a throwaway profile: nothing read from or left in the user's
trap 'rm -rf "$html" "$profile"' EXIT
# Exit 1 (an expectation failed) still produces a report worth looking at.
bun src/cli/main.ts simulate "$policy" "$scenario" --report "$html" >/dev/null || [ $? -eq 1 ]
chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" \
  --screenshot="$out" --window-size=1200,2400 "file://$html" 2>/dev/null
echo "wrote $out"

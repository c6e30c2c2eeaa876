#!/usr/bin/env bash
# Runs the shared feed-parser conformance suite against `tidings parse` and
# prints the pass rate; fails when fewer than 95% of the in-schema
# expectations pass (the target is 98%).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
harness="${FEEDCONF:-$root/../shared/conformance/feedconf.py}"
tidings="${1:-$root/.build/debug/tidings}"
minimum=95

if [ ! -f "$harness" ]; then
  echo "conformance: harness not found at $harness (expected shared/ beside the checkout)" >&2
  exit 1
fi
report="$(mktemp)"
trap 'rm -f "$report"' EXIT
python3 "$harness" --cmd "$tidings parse {file}" --jobs 2 --failures 10 > "$report" 2>&1 || true
sed -n '/^category/,$p' "$report" | grep -v '^[0-9]* passed, [0-9]* failed$' || true
last="$(tail -n 1 "$report")"
passed="$(echo "$last" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')"
failed="$(echo "$last" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')"
if [ -z "$passed" ]; then
  echo "conformance: the harness did not finish:" >&2
  tail -n 20 "$report" >&2
  exit 1
fi
total=$((passed + failed))
rate="$(awk -v p="$passed" -v t="$total" 'BEGIN { printf "%.1f", (t ? 100 * p / t : 0) }')"
echo "conformance: $passed of $total in-schema expectations pass ($rate%); minimum $minimum%, target 98%"
awk -v p="$passed" -v t="$total" -v m="$minimum" 'BEGIN { exit !(t > 0 && 100 * p >= m * t) }' || {
  echo "conformance: below $minimum%" >&2
  exit 1
}

#!/usr/bin/env bash
# Fuzzes Tidings' parsers of untrusted input with libFuzzer (Sources/tidings-fuzz),
# under AddressSanitizer, one target after another.
#
#   Tests/Fuzz/run-fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (make fuzz FUZZ_SECONDS=N)
#
# Targets: feed (RSS/Atom/RDF/JSON Feed parser), html (article extractor),
# config (TOML config loader), date (feed date parser). Seeds come from
# ../shared/conformance, the test fixtures, the bundled configs and
# Tests/Fuzz/dates.txt; the corpus grows in .fuzz/corpus/TARGET and is reused by
# the next run. A crash, leak, timeout or out-of-memory leaves its input in
# .fuzz/findings/TARGET/ and makes the script exit 1: turn it into a regression
# fixture in Tests/TidingsCoreTests/Fixtures/fuzz/TARGET/ (FuzzRegressionTests
# replays every file there) and fix the bug.
set -u
cd "$(dirname "$0")/../.."
seconds=${1:-300}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(feed html config date)
shared=${SHARED:-../shared}
swift=${SWIFT:-swift}

echo "building tidings-fuzz (-sanitize=fuzzer,address) ..."
TIDINGS_FUZZ=1 "$swift" build --build-path .build/fuzz --product tidings-fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library 2>&1 | grep -v "Cannot export local symbol" | tail -3
binary=.build/fuzz/debug/tidings-fuzz
[ -x "$binary" ] || { echo "error: $binary was not built" >&2; exit 1; }

seed() {  # seed TARGET DIR: copy the seed inputs for TARGET into DIR
  local target=$1 dir=$2
  case $target in
    feed)
      [ -d "$shared/conformance" ] && find "$shared/conformance" -name '*.xml' -size -64k -exec cp -t "$dir" {} +
      find Tests/TidingsCoreTests/Fixtures Tests/Fixtures -maxdepth 1 \( -name '*.xml' -o -name '*.json' \) -exec cp -t "$dir" {} + ;;
    html)
      find Tests/TidingsCoreTests/Fixtures -maxdepth 1 -name '*.html' -exec cp -t "$dir" {} +
      find config/demo -name '*.html' -exec cp -t "$dir" {} + 2>/dev/null
      [ -d "$shared/fixtures/seeds" ] && cp "$shared"/fixtures/seeds/*.txt "$dir" ;;
    config)
      cp config/*.toml "$dir" ;;
    date)
      local n=0
      while IFS= read -r line; do n=$((n + 1)); printf '%s' "$line" > "$dir/date-$n"; done < Tests/Fuzz/dates.txt ;;
  esac
  # Regression inputs found earlier are seeds too.
  [ -d "Tests/TidingsCoreTests/Fixtures/fuzz/$target" ] && cp Tests/TidingsCoreTests/Fixtures/fuzz/"$target"/* "$dir" 2>/dev/null
  return 0
}

max_len() { case $1 in feed|html) echo 65536 ;; config) echo 8192 ;; date) echo 128 ;; esac; }

status=0
summary=()
for target in "${targets[@]}"; do
  corpus=.fuzz/corpus/$target seeds=.fuzz/seeds/$target findings=.fuzz/findings/$target
  rm -rf "$seeds"; mkdir -p "$corpus" "$seeds" "$findings"
  seed "$target" "$seeds"
  log=.fuzz/$target.log
  echo "fuzzing $target for ${seconds}s ($(ls "$seeds" | wc -l) seeds, corpus $(ls "$corpus" | wc -l)) ..."
  # Swift's own crash reporter would hold a crashing input for 30 s; libFuzzer reports it instead.
  # Leaks count as findings, except TOMLKit's own (Tests/Sanitizers/lsan.supp).
  SWIFT_BACKTRACE=enable=no TIDINGS_FUZZ_TARGET=$target ASAN_OPTIONS=detect_leaks=1 \
    LSAN_OPTIONS=suppressions=$PWD/Tests/Sanitizers/lsan.supp:print_suppressions=0 \
    "$binary" -max_total_time="$seconds" -max_len="$(max_len "$target")" -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$findings/" -print_final_stats=1 "$corpus" "$seeds" > "$log" 2>&1
  code=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  found=$(ls "$findings" | wc -l)
  if [ $code -eq 0 ] && [ "$found" -eq 0 ]; then result="clean"; else result="FAILED (exit $code, $found inputs in $findings; see $log)"; status=1; fi
  summary+=("$(printf '%-7s %6ss %12s executions  corpus %5s  %s' "$target" "$seconds" "${runs:-?}" "$(ls "$corpus" | wc -l)" "$result")")
done
echo
printf '%s\n' "${summary[@]}"
exit $status

#!/usr/bin/env bash
# Runs the libFuzzer targets of the `fuzz` preset (tests/fuzz, docs/fuzzing.md)
# for SECONDS each. Usage: scripts/fuzz.sh SECONDS [TARGET...]
#
# The seed corpus is made afresh from rules/, examples/ and
# tests/golden/inputs/ in a temporary directory (never committed); what the
# fuzzer finds is kept in build/fuzz/corpus/TARGET, so that later runs go on
# from there. Crashes, leaks, timeouts and out-of-memory inputs are written to
# build/fuzz/artifacts/ and make this script fail.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:?usage: scripts/fuzz.sh SECONDS [TARGET...]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_frontend fuzz_pipeline)

build=build/fuzz
artifacts=$build/artifacts
mkdir -p "$artifacts"

seeds=$(mktemp -d)
trap 'rm -rf "$seeds"' EXIT
n=0
while IFS= read -r -d '' f; do
  # flatten the path into a unique file name: rules/eu/qd.norm -> rules_eu_qd.norm
  cp "$f" "$seeds/$(echo "$f" | tr '/' '_')"
  n=$((n + 1))
done < <(find rules examples tests/golden/inputs -name '*.norm' -type f -print0)
echo "fuzz: $n seed files" >&2

failed=()
for t in "${targets[@]}"; do
  bin=$build/tests/fuzz/$t
  [ -x "$bin" ] || { echo "fuzz: $bin is missing; build the fuzz preset first" >&2; exit 2; }
  corpus=$build/corpus/$t
  mkdir -p "$corpus"
  extra=()
  # the pipeline target takes at most 4 KiB (tests/fuzz/fuzz_pipeline.cpp)
  [ "$t" = fuzz_pipeline ] && extra+=(-max_len=4096)
  before=$(find "$artifacts" -type f | wc -l)
  echo "fuzz: $t for ${seconds}s" >&2
  rc=0
  ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}" \
    "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -dict=tests/fuzz/norm.dict -artifact_prefix="$artifacts/$t-" "${extra[@]}" "$corpus" "$seeds" \
    >"$build/$t.log" 2>&1 || rc=$?
  after=$(find "$artifacts" -type f | wc -l)
  grep -E '^(stat::|Done )' "$build/$t.log" >&2 || true
  if [ "$rc" -ne 0 ] || [ "$after" -gt "$before" ]; then
    echo "fuzz: $t FAILED (exit $rc); see $build/$t.log and $artifacts/" >&2
    tail -n 60 "$build/$t.log" >&2
    failed+=("$t")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: findings in ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: no findings" >&2

#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) into ./build-fuzz and runs each for
# SECONDS (default 30) on a working copy of its seed corpus (fuzz/corpus/NAME; what it
# finds stays in build-fuzz/corpus). Prints executions and coverage per target; exits
# non-zero if any target crashed, with the crashing input under build-fuzz/crashes/NAME.
# Targets run PARALLEL at a time (default 2).
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]     e.g. scripts/fuzz.sh 600 osc pattern
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(drumkit class_rules dataset dataset_header path_file pattern sound osc model http)
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DNGSYNTH_FUZZ=ON -DNGSYNTH_TESTS=OFF >/dev/null
cmake --build build-fuzz -j "${JOBS:-2}" --target fuzz_all
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
# One target: its corpus copy, its log, a summary line in build-fuzz/fuzz_NAME.result.
run_target() {
  local t=$1 work="build-fuzz/corpus/$1" crashes="build-fuzz/crashes/$1" log="build-fuzz/fuzz_$1.log"
  mkdir -p "$work" "$crashes"
  cp -n fuzz/corpus/"$t"/* "$work"/ 2>/dev/null || true
  local dict=()
  [ -f "fuzz/$t.dict" ] && dict=(-dict="fuzz/$t.dict")
  local status=0
  build-fuzz/fuzz/fuzz_"$t" "$work" "${dict[@]}" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -max_len=65536 -artifact_prefix="$crashes/" -print_final_stats=1 \
    >"$log" 2>&1 || status=$?
  local execs cov ft
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  printf '%-15s %6ss  %10s execs  cov %6s  ft %6s  corpus %5s  %s\n' "$t" "$seconds" "${execs:-?}" \
    "${cov:-?}" "${ft:-?}" "$(ls "$work" | wc -l)" "$([ $status = 0 ] && echo ok || echo "CRASH (see $log)")" \
    >"build-fuzz/fuzz_$t.result"
  return $status
}

# PARALLEL targets at a time (default 2, one per core).
running=0
for t in "${targets[@]}"; do
  run_target "$t" &
  running=$((running + 1))
  if [ "$running" -ge "${PARALLEL:-2}" ]; then wait -n || true; running=$((running - 1)); fi
done
wait || true
failed=()
for t in "${targets[@]}"; do
  cat "build-fuzz/fuzz_$t.result"
  grep -q ' ok$' "build-fuzz/fuzz_$t.result" || failed+=("$t")
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: crashes in: ${failed[*]}" >&2
  exit 1
fi

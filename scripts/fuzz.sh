#!/usr/bin/env bash
# Builds and runs the libFuzzer targets of Fuzz/Targets/ (one per reader).
#
#   bash scripts/fuzz.sh [SECONDS] [TARGET...]
#
# SECONDS: how long each target runs (default 600). TARGET: stdout logtxt csv jsonl tfevents wandb mlflow
# detect folder console (default: all). Environment:
#   FUZZ_PARALLEL=N   targets run N at a time (default 1); builds too
#   FUZZ_NICE=N       nice level of builds and runs (default 10)
#   FUZZ_CHECK_SORTED=0  skip the "Series.xs strictly increasing" check in the targets
#   SWIFTC            the compiler (default swiftc)
#   FUZZ_BUILD_ONLY=1 build the targets and stop
#
# Each target is compiled with the TrainingLog sources in one swiftc invocation (module
# TrainingLog, so internal APIs are reachable; the small Parallel module it imports is built
# first, on its own), with -sanitize=fuzzer,address, into .build-fuzz/,
# and only rebuilt when its inputs change. A run works on a copy of Fuzz/corpus/<target> in
# .build-fuzz/corpus-work/<target> (kept between runs, never committed); a crash, timeout or
# out-of-memory input is written to Fuzz/crashes/<target>-crash-<sha1> (or -timeout-, -oom-,
# -leak-) and the full log stays in .build-fuzz/logs/<target>.log. Prints one summary line per
# target; exits 1 when any target failed (crash, timeout, OOM, or a build error).
set -uo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
SECS=${1:-600}
[[ $# -gt 0 ]] && shift
ALL=(stdout console logtxt csv jsonl tfevents detect folder llamagen wandb mlflow)
TARGETS=("$@")
[[ ${#TARGETS[@]} -eq 0 ]] && TARGETS=("${ALL[@]}")
PAR=${FUZZ_PARALLEL:-1}
NICE=${FUZZ_NICE:-10}
SWIFTC=${SWIFTC:-swiftc}
OUT=$ROOT/.build-fuzz
mkdir -p "$OUT/logs" "$OUT/corpus-work" Fuzz/crashes

for t in "${TARGETS[@]}"; do
  [[ -f Fuzz/Targets/$t.swift ]] || { echo "fuzz: unknown target '$t' (have: ${ALL[*]})" >&2; exit 2; }
done

# Swift's crash backtracer (swift-backtrace) fights libFuzzer's signal handlers and can hang
# after a trap; libFuzzer + ASan print the stack (symbolized with llvm-symbolizer next to swiftc).
export SWIFT_BACKTRACE=enable=no
SYMB=$(dirname "$(command -v "$SWIFTC")")/llvm-symbolizer
[[ -x $SYMB ]] && export ASAN_SYMBOLIZER_PATH=$SYMB
# Leak checking is off: the Swift runtime's metadata caches show up as leaks.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1}

FLAGS=(-sanitize=fuzzer,address -parse-as-library -O -g -module-name TrainingLog -I "$OUT/parallel" "$OUT/parallel/Parallel.o")

# TrainingLog imports the small Parallel module (Sources/Parallel): built once, as its own module
# (with ASan; without coverage: a thread pool, it reads no input).
PARALLEL_FLAGS=(-sanitize=address -parse-as-library -O -wmo -module-name Parallel)
build_parallel() {
  local dir=$OUT/parallel sum
  sum=$( { "$SWIFTC" --version 2>&1; echo "${PARALLEL_FLAGS[*]}"; cat Sources/Parallel/*.swift; } | sha256sum | cut -d' ' -f1)
  if [[ -f $dir/Parallel.o && -f $dir/stamp && $(cat "$dir/stamp") == "$sum" ]]; then return 0; fi
  mkdir -p "$dir"
  if nice -n "$NICE" "$SWIFTC" "${PARALLEL_FLAGS[@]}" \
      -emit-module -emit-module-path "$dir/Parallel.swiftmodule" -c Sources/Parallel/*.swift -o "$dir/Parallel.o" \
      >"$OUT/logs/parallel.build.log" 2>&1; then
    echo "$sum" >"$dir/stamp"
  else
    head -40 "$OUT/logs/parallel.build.log" >&2
    echo "fuzz: build of the Parallel module failed (log: .build-fuzz/logs/parallel.build.log)" >&2
    return 1
  fi
}

build() { # target -> 0 when the binary is up to date
  local t=$1 bin=$OUT/fuzz-$t stamp=$OUT/fuzz-$t.stamp sum
  local srcs=(Sources/TrainingLog/*.swift Fuzz/Support/*.swift "Fuzz/Targets/$t.swift")
  sum=$( { "$SWIFTC" --version 2>&1; echo "${FLAGS[*]}"; cat "$OUT/parallel/Parallel.o" "${srcs[@]}"; } | sha256sum | cut -d' ' -f1)
  if [[ -x $bin && -f $stamp && $(cat "$stamp") == "$sum" ]]; then return 0; fi
  echo "fuzz: building $t"
  if nice -n "$NICE" "$SWIFTC" "${FLAGS[@]}" "${srcs[@]}" -o "$bin" >"$OUT/logs/$t.build.log" 2>&1; then
    echo "$sum" >"$stamp"
  else
    grep -v 'Cannot export local symbol' "$OUT/logs/$t.build.log" | head -40 >&2
    echo "fuzz: build of $t failed (log: .build-fuzz/logs/$t.build.log)" >&2
    return 1
  fi
}

run() { # target -> writes .build-fuzz/logs/<t>.summary
  local t=$1 log=$OUT/logs/$t.log work=$OUT/corpus-work/$t dict=() rc pid
  mkdir -p "$work"
  cp -n Fuzz/corpus/"$t"/* "$work"/ 2>/dev/null
  [[ -f Fuzz/dict/$t.dict ]] && dict=(-dict="Fuzz/dict/$t.dict")
  ls Fuzz/crashes >"$OUT/logs/$t.crashes-before"
  nice -n "$NICE" "$OUT/fuzz-$t" -max_total_time="$SECS" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    "${dict[@]}" -artifact_prefix="Fuzz/crashes/$t-" -print_final_stats=1 "$work" >"$log" 2>&1 &
  pid=$!
  wait $pid; rc=$?
  rm -rf "/dev/shm/varreport-fuzz-$t-$pid"
  local execs eps cov ft corp status new
  execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | tail -1 | grep -o '[0-9]*$')
  eps=$(grep -oE 'stat::average_exec_per_sec: *[0-9]+' "$log" | tail -1 | grep -o '[0-9]*$')
  local last; last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  [[ -z $execs ]] && execs=$(sed -E 's/^#([0-9]+).*/\1/' <<<"$last")
  [[ -z $eps || $eps == 0 ]] && eps=$(grep -o 'exec/s: [0-9]*' <<<"$last" | grep -o '[0-9]*$')
  cov=$(grep -o 'cov: [0-9]*' <<<"$last" | grep -o '[0-9]*'); ft=$(grep -o 'ft: [0-9]*' <<<"$last" | grep -o '[0-9]*')
  corp=$(grep -o 'corp: [0-9]*/[0-9]*[a-zA-Z]*' <<<"$last" | cut -d' ' -f2)
  new=$(comm -13 "$OUT/logs/$t.crashes-before" <(ls Fuzz/crashes) | tr '\n' ' ')
  # A slow unit (over 10 s once) on a loaded machine is not a failure by itself: it is run again
  # alone, and fails only when it is still slow there (a real hang ends as a timeout artifact).
  local slow="" u
  for u in $new; do
    [[ $u == *slow-unit* ]] || continue
    if timeout 30 "$OUT/fuzz-$t" -timeout=5 -runs=1 "Fuzz/crashes/$u" >/dev/null 2>&1; then
      slow="$slow $u(alone: fine)"
      new=${new/$u/}
      mv "Fuzz/crashes/$u" "$OUT/logs/" 2>/dev/null
    fi
  done
  new=$(tr -s ' ' <<<"$new" | sed 's/^ *//; s/ *$//')
  if [[ $rc -eq 0 && -z $new ]]; then status="ok${slow:+ (slow once under load:$slow)}"
  else status="FAILED rc=$rc $(grep -m1 -oE 'ERROR: (libFuzzer|AddressSanitizer): [a-z-]+( signal| on address)?|Fatal error: .*' "$log" | head -c 200) -> ${new:-no artifact}"; fi
  printf '%-9s %5ss  execs %-10s %6s/s  cov %-5s ft %-6s corpus %-12s %s\n' "$t" "$SECS" "${execs:-?}" "${eps:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$status" \
    | tee "$OUT/logs/$t.summary"
  [[ $status == ok* ]]
}

# All of the work is in a function, so that bash has parsed it whole before it starts: editing
# this file while it runs cannot break a run in progress.
main() {
  fail=0
  # Builds (PAR at a time), after the module they all import.
  build_parallel || { echo "fuzz: build failed" >&2; return 1; }
  running=0
  for t in "${TARGETS[@]}"; do
    build "$t" & running=$((running + 1))
    if (( running >= PAR )); then wait -n || fail=1; running=$((running - 1)); fi
  done
  while (( running > 0 )); do wait -n || fail=1; running=$((running - 1)); done
  (( fail )) && { echo "fuzz: build failed" >&2; return 1; }
  [[ ${FUZZ_BUILD_ONLY:-0} == 1 ]] && { echo "fuzz: built ${TARGETS[*]}"; return 0; }

  # Runs (PAR at a time).
  running=0
  for t in "${TARGETS[@]}"; do
    run "$t" & running=$((running + 1))
    if (( running >= PAR )); then wait -n || fail=1; running=$((running - 1)); fi
  done
  while (( running > 0 )); do wait -n || fail=1; running=$((running - 1)); done

  echo "fuzz: summary (${SECS}s per target)"
  for t in "${TARGETS[@]}"; do cat "$OUT/logs/$t.summary" 2>/dev/null; done
  return $fail
}

main
exit $?

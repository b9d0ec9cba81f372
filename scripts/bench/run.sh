#!/usr/bin/env bash
# make bench: measures varreport against the targets of the project's issues and against the
# anchors (what users run instead: matplotlib, TensorBoard's EventAccumulator, tbparse).
# Never part of `make test`. Writes everything under bench-out/ (git-ignored), the table to
# bench-out/results.md. See docs/PERFORMANCE.md.
#
#   BENCH_QUICK=1     small cases only (a smoke test: a minute or two)
#   BENCH_ANCHORS=1   also run EventAccumulator and tbparse on the 373 MB event file (minutes
#                     each); without it their numbers are quoted from the anchors' README
#   BENCH_STRICT=1    exit 1 when a target fails (default: report only)
#   BENCH_OUT=DIR     output folder (default bench-out)
#   BENCH_ANCHOR_DIR  the anchors' scripts (default: shared/bench beside the repository)
#   BENCH_SKIP_BUILD=1  use .build/release/varreport as it is
#   BENCH_BIN=PATH    measure that varreport binary instead (no build; e.g. another branch's)
set -euo pipefail

if [ -n "${BENCH_BIN:-}" ]; then BENCH_BIN=$(realpath "$BENCH_BIN"); fi
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
HERE=scripts/bench
OUT=${BENCH_OUT:-bench-out}
QUICK=${BENCH_QUICK:-0}
ANCHOR_RUNS=${BENCH_ANCHORS:-0}
BIN=${BENCH_BIN:-.build/release/varreport}
VENV=.venv-anchors
PY=$VENV/bin/python
RESULTS=$OUT/results.jsonl

log() { printf '\n== %s\n' "$*" >&2; }

# --- the anchors' scripts ------------------------------------------------------------------
ANCHORS=${BENCH_ANCHOR_DIR:-}
if [ -z "$ANCHORS" ]; then
  for d in "$ROOT/../shared/bench" /work/shared/bench; do
    if [ -f "$d/mpl_report.py" ]; then ANCHORS=$(cd "$d" && pwd); break; fi
  done
fi
if [ -z "$ANCHORS" ] || [ ! -f "$ANCHORS/mpl_report.py" ]; then
  echo "bench: the anchors' scripts (shared/bench/mpl_report.py, gen_series.py, ...) were not found;" \
       "set BENCH_ANCHOR_DIR" >&2
  exit 2
fi
export BENCH_ANCHOR_DIR=$ANCHORS

# --- tools ---------------------------------------------------------------------------------
if ! /usr/bin/time -f '%e %M' true >/dev/null 2>&1; then
  log "installing GNU time (/usr/bin/time)"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq time
fi

# --- the release binary, rebuilt when a source is newer ------------------------------------
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ] && [ -z "${BENCH_BIN:-}" ]; then
  if [ ! -x "$BIN" ] || [ -n "$(find Sources Package.swift templates -newer "$BIN" -print -quit 2>/dev/null)" ]; then
    log "building varreport (make release: the flags the Makefile links it with)"
    make release
  fi
fi
[ -x "$BIN" ] || { echo "bench: $BIN is missing" >&2; exit 2; }
BENCH_BINARY_COMMIT="$(git log -1 --format='%h %cs' -- Sources Package.swift 2>/dev/null || echo '?')"
if [ -n "$(git status --porcelain -- Sources Package.swift 2>/dev/null)" ]; then
  BENCH_BINARY_COMMIT="$BENCH_BINARY_COMMIT + uncommitted changes"
fi
if [ -n "${BENCH_BIN:-}" ]; then BENCH_BINARY_COMMIT="? (BENCH_BIN=$BENCH_BIN)"; fi
export BENCH_BINARY_COMMIT

# --- the Python environment of the anchors and generators ----------------------------------
# crc32c: tensorboardX then checksums in C (the 373 MB event file takes minutes, not an hour)
PKGS=(matplotlib numpy pandas tensorboard tensorboardX tbparse crc32c)
if ! "$PY" -c 'import matplotlib, numpy, pandas, tensorboard, tensorboardX, tbparse, crc32c' >/dev/null 2>&1; then
  log "setting up $VENV (${PKGS[*]})"
  if ! python3 -m venv "$VENV"; then   # Debian's python3 needs python3-venv for ensurepip
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv
    rm -rf "$VENV"; python3 -m venv "$VENV"
  fi
  "$VENV/bin/pip" install -q "${PKGS[@]}"
fi

BENCH_LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')
export BENCH_LOAD_START
mkdir -p "$OUT"
[ -f "$RESULTS" ] && mv "$RESULTS" "$OUT/results.prev.jsonl"
: > "$RESULTS"
M() { local mode=$1; shift; python3 "$HERE/measure.py" "$mode" --results "$RESULTS" "$@"; }

has_figure=0; "$BIN" plot --help 2>&1 | grep -q -- '--figure' && has_figure=1
has_sweep=0; "$BIN" --help 2>&1 | grep -qE '^\s+sweep\b' && has_sweep=1

# generate DIR STAMP CMD...: runs CMD unless DIR/.done-STAMP exists (data is kept between runs)
generate() {
  local dir=$1 stamp=$2; shift 2
  if [ ! -f "$dir/.done-$stamp" ]; then
    rm -rf "$dir"; mkdir -p "$dir"
    "$@"
    touch "$dir/.done-$stamp"
  fi
}
warm() { cat "$@" > /dev/null 2>&1 || true; }   # read into the page cache: measure parsing, not the disk

# --- 1a. the event file of 6 million scalars -----------------------------------------------
if [ "$QUICK" = 1 ]; then TB_N=20000; else TB_N=1000000; fi
# not "tfevents-...": EventAccumulator takes any path whose name holds "tfevents" for an event file
TB=$OUT/tb-$TB_N
log "1a. event file: gen_tfevents.py $TB_N (the 1M file takes tensorboardX many minutes, once)"
generate "$TB" v1 "$PY" "$HERE/gen_tfevents_compat.py" "$TB_N" "$TB"
TB_BYTES=$(cat "$TB"/*tfevents* | wc -c)
TB_IN="gen_tfevents.py $TB_N ($((TB_BYTES / 1000000)) MB)"
warm "$TB"/*tfevents*
if [ "$QUICK" = 1 ]; then
  M run --case reader-tfevents-quick --reps 3 --warmup 1 --input "$TB_IN" --bytes "$TB_BYTES" --stdout-to "$TB.out" \
    -- "$BIN" summary "$TB" --json
else
  M run --case reader-tfevents --reps 5 --warmup 1 --input "$TB_IN" --bytes "$TB_BYTES" --stdout-to "$TB.out" \
    -- "$BIN" summary "$TB" --json
  if [ "$ANCHOR_RUNS" = 1 ]; then
    log "1a. anchors on the event file, once each (about 2.5 minutes each)"
    M run --case reader-tfevents --reps 1 --names eventaccumulator,tbparse --input "$TB_IN" \
      --stdout-to "$TB.out" -- "$PY" "$ANCHORS/tb_read.py" "$TB" ::: "$PY" "$ANCHORS/tbparse_read.py" "$TB"
  else
    M note --case reader-tfevents --names eventaccumulator --wall 145.6 --rss-mb 1297 \
      --source "shared/bench/README.md" --input "$TB_IN"
    M note --case reader-tfevents --names tbparse --wall 149.2 --rss-mb 1835 \
      --source "shared/bench/README.md" --input "$TB_IN"
  fi
fi

# --- 1b. VAR stdout.txt throughput and memory ----------------------------------------------
READ_PHASE='read [^\n]* in ([0-9.]+) s'
if [ "$QUICK" = 1 ]; then SIZES=(25); else SIZES=(250 1000); fi
for mb in "${SIZES[@]}"; do
  f=$OUT/stdout-$mb/stdout.txt
  log "1b. stdout.txt of $mb MB"
  generate "$OUT/stdout-$mb" v1 "$PY" "$HERE/gen_stdout.py" "$mb" "$f"
  bytes=$(wc -c < "$f")
  warm "$f"
  # -v prints each phase's time: the read phase is the reader's own throughput
  M run --case "reader-stdout-$mb" --reps 3 --warmup 1 --input "gen_stdout.py $mb: $((bytes / 1000000)) MB" \
    --bytes "$bytes" --stdout-to "$OUT/stdout-$mb" --phase "$READ_PHASE" -- "$BIN" summary "$f" --json -v
done
if [ "$QUICK" != 1 ]; then
  # the 250 MB run launched 4 times (VAR's RESTART banner between): 4x the bytes, the same series
  f=$OUT/stdout-1000x4/stdout.txt
  log "1b. stdout.txt of 1000 MB: the 250 MB run, launched 4 times"
  generate "$OUT/stdout-1000x4" v1 "$PY" "$HERE/gen_stdout.py" 1000 "$f" --launches 4
  bytes=$(wc -c < "$f")
  warm "$f"
  M run --case "reader-stdout-1000x4" --reps 3 --warmup 1 \
    --input "gen_stdout.py 1000 --launches 4: $((bytes / 1000000)) MB, the 250 MB run 4 times" \
    --bytes "$bytes" --stdout-to "$OUT/stdout-1000x4" --phase "$READ_PHASE" -- "$BIN" summary "$f" --json -v
fi

# --- 1c. a real-sized VAR-d16 run folder ---------------------------------------------------
RUN=$OUT/run-d16
log "1c. VAR-d16 run folder (200 epochs x 1669 iterations)"
generate "$RUN" v1 "$PY" "$HERE/gen_run.py" "$RUN"
warm "$RUN"/*.txt "$RUN"/tb-*/*
M run --case reader-run-d16 --reps 5 --warmup 1 --input "gen_run.py: 200 ep x 1669 it, stdout + log.txt + tfevents" \
  --stdout-to "$RUN.out" -- "$BIN" summary "$RUN" --json

log "1d. many metrics: a CSV of 10,000 and 100,000 columns (the analysis must be linear in them)"
if [ "$QUICK" = 1 ]; then WIDE=(2000 20000); else WIDE=(10000 100000); fi
for n in "${WIDE[@]}"; do
  W=$OUT/wide-$n
  generate "$W" v1 python3 "$HERE/gen_wide.py" "$n" "$W"
  warm "$W"/metrics.csv
  M run --case "wide-$n" --reps 3 --warmup 1 --input "gen_wide.py $n: $n metrics x 3 rows" \
    --stdout-to "$W.out" -- "$BIN" summary "$W" --json
done

log "1e. watch: one line appended at a time to the d16 run, and a run growing 1 MB a minute"
generate "$OUT/stdout-grow" v1 "$PY" "$HERE/gen_stdout.py" 3 "$OUT/stdout-grow/stdout.txt"
if [ "$QUICK" = 1 ]; then WATCH_SECS=20; else WATCH_SECS=60; fi
python3 "$HERE/watch_cost.py" "$BIN" "$RUN" "$OUT/stdout-grow/stdout.txt" --results "$RESULTS" --seconds "$WATCH_SECS"

# --- 2. renderer vs matplotlib -------------------------------------------------------------
if [ "$QUICK" = 1 ]; then NS=(10000); else NS=(10000 100000 1000000); fi
for n in "${NS[@]}"; do
  case $n in 10000) tag=10k ;; 100000) tag=100k ;; 1000000) tag=1M ;; *) tag=$n ;; esac
  S=$OUT/series-$tag
  log "2. renderer, $tag iterations"
  generate "$S" v1 "$PY" "$ANCHORS/gen_series.py" "$n" "$S/series.csv"
  R=$OUT/render-$tag; mkdir -p "$R"
  # Five repetitions at every size: matplotlib's 1M run ranges from 3.3 to 4.7 s on one quiet
  # 2-core machine, too wide for a 10x verdict on the median of three.
  reps=5
  [ "$QUICK" = 1 ] && reps=3
  inp="gen_series.py $n ($(( $(wc -c < "$S/series.csv") / 1000 )) kB CSV)"
  warm "$S"/*.csv
  if [ "$has_figure" = 1 ]; then
    # varreport-both is the comparison: one process writing PNG and PDF, as mpl_report.py does
    M run --case "render-$tag" --reps "$reps" --warmup 1 --names matplotlib,varreport-both,varreport-png,varreport-pdf \
      --input "$inp" --artifact "varreport-png=$R/varreport.png" --artifact "varreport-pdf=$R/varreport.pdf" \
      --artifact "varreport-both=$R/both.pdf" --artifact "matplotlib=$R/mpl.pdf" \
      -- "$PY" "$ANCHORS/mpl_report.py" "$S/series.csv" "$R/mpl" \
      ::: "$BIN" plot "$S" --figure overview --size 1600x1000 -o "$R/both.png" -o "$R/both.pdf" \
      ::: "$BIN" plot "$S" --figure overview --size 1600x1000 -o "$R/varreport.png" \
      ::: "$BIN" plot "$S" --figure overview --size 1600x1000 -o "$R/varreport.pdf"
  else
    M run --case "render-$tag" --reps "$reps" --warmup 1 --names matplotlib --input "$inp" \
      --artifact "matplotlib=$R/mpl.pdf" -- "$PY" "$ANCHORS/mpl_report.py" "$S/series.csv" "$R/mpl"
    M skip --case "render-$tag" --names varreport-png,varreport-pdf --input "$inp" \
      --reason "this varreport has no 'plot --figure overview' yet"
  fi
done

# --- 3. sweep of 100 real-sized runs -------------------------------------------------------
if [ "$QUICK" = 1 ]; then NRUNS=10; else NRUNS=100; fi
SW=$OUT/sweep-runs-$NRUNS
SWO=$OUT/sweep-out
if [ "$has_sweep" = 1 ]; then
  log "3. sweep of $NRUNS runs"
  generate "$SW" v1 "$PY" "$HERE/gen_sweep.py" "$NRUNS" "$SW"
  warm "$SW"/*/*.txt "$SW"/*/tb-*/*
  inp="gen_sweep.py $NRUNS: VAR-d16-sized runs"
  reps=3; [ "$QUICK" = 1 ] && reps=1
  case_suffix=""; [ "$QUICK" = 1 ] && case_suffix="-quick"
  # cold runs: the output folder is removed first, so nothing is reused
  # exit 1 means some runs failed (CONTRACT.md): the sweep still ran, so it is timed and noted
  M run --case "sweep-jobs2$case_suffix" --reps "$reps" --ok-exit 0,1 --input "$inp" \
    -- bash -c 'rm -rf "$2" && exec "$0" sweep "$1" -o "$2" --jobs 2 --quiet' "$BIN" "$SW" "$SWO"
  M run --case "sweep-jobs1$case_suffix" --reps "$reps" --ok-exit 0,1 --input "$inp" \
    -- bash -c 'rm -rf "$2" && exec "$0" sweep "$1" -o "$2" --jobs 1 --quiet' "$BIN" "$SW" "$SWO"
  # a re-run after one run changed: a blank line appended to its stdout.txt (the sweep keys its
  # cache on content hashes, so a bare `touch` would change nothing); only that run is redone
  "$BIN" sweep "$SW" -o "$SWO" --jobs 2 --quiet >/dev/null 2>&1 || true
  touched=$SW/run-$(printf '%03d' $((NRUNS * 42 / 100)))/stdout.txt
  M run --case "sweep-rerun$case_suffix" --reps 5 --ok-exit 0,1 --input "$inp, one run's stdout.txt appended to" \
    -- bash -c 'echo >> "$3" && exec "$0" sweep "$1" -o "$2" --jobs 2 --quiet' "$BIN" "$SW" "$SWO" "$touched"
else
  for c in sweep-jobs2 sweep-jobs1 sweep-rerun; do
    M skip --case "$c" --input "gen_sweep.py $NRUNS" --reason "this varreport has no 'sweep' command yet"
  done
fi

# --- the table -----------------------------------------------------------------------------
log "results"
strict=""; [ "${BENCH_STRICT:-0}" = 1 ] && strict="--strict"
python3 "$HERE/report.py" "$RESULTS" "$OUT/results.md" $strict

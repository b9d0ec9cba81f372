#!/usr/bin/env bash
# Runs the Slurm recipe of docs/CLUSTER.md for real, on a one-node cluster started here (`make test-cluster`).
#
#   bash scripts/test_cluster.sh          # VARREPORT=/path/to/varreport to test another binary
#
# Installs slurmctld, slurmd, slurm-client and munge when missing, then starts munged, slurmctld
# and slurmd with every file (key, socket, slurm.conf, state, spool, pids, logs) in a fresh
# temporary folder, on free ports, so a Slurm or munge already on the machine is left alone.
# The job array is the doc's `sweep.sbatch`, read from docs/CLUSTER.md with only /shared and the
# array size (3 shards) changed; the merge is the doc's `sbatch --dependency=afterany:...` line.
# Checks:
#   1. the 3 shards + merge give a sweep.json equal byte for byte to a one-machine sweep;
#   2. with task 1 cancelled before it ran, the merge still runs (afterany), lists exactly that
#      shard's runs as failed and exits 1; resubmitting the array re-renders only those runs and
#      the merge then equals the one-machine sweep.json again.
# On any exit it stops exactly what it started (by pid) and removes the temporary folder.
# Needs root (slurmd runs the jobs); re-runs itself through sudo otherwise.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
WAIT_NODE=${CLUSTER_WAIT_NODE:-60}     # seconds for the node to come up idle
WAIT_JOBS=${CLUSTER_WAIT_JOBS:-180}    # seconds for an array and its merge to finish

# --- the binary (resolved before anything changes directory) --------------------------------
VARREPORT=${VARREPORT:-$REPO/.build/debug/varreport}
case $VARREPORT in /*) ;; *) VARREPORT=$PWD/$VARREPORT ;; esac
if [[ ! -x $VARREPORT ]]; then
  echo "FAIL: no varreport binary at $VARREPORT (run 'make build' or set VARREPORT)" >&2
  exit 2
fi

if [[ $(id -u) != 0 ]]; then
  command -v sudo >/dev/null || { echo "FAIL: needs root (slurmd runs the jobs) and there is no sudo" >&2; exit 2; }
  exec sudo VARREPORT="$VARREPORT" bash "$0" "$@"
fi

# --- packages (same rule as the Makefile's deps target) -------------------------------------
PACKAGES=(slurmctld slurmd slurm-client munge)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "installing: ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

# --- the temporary folder and the cleanup ---------------------------------------------------
T=$(mktemp -d "${TMPDIR:-/tmp}/varreport-cluster.XXXXXX")
CONF=$T/slurm/slurm.conf
MUNGE_SOCKET=$T/munge/munge.socket
S=$T/shared                     # stands for the doc's /shared
WORK=$T/work                    # where sbatch is called (the jobs' working directory, logs/)
mkdir -p "$T/munge" "$T/slurm/state" "$T/slurm/spool" "$T/bin" "$S" "$WORK/logs"
chmod 0711 "$T" "$T/munge"      # munged wants every folder above its socket searchable by all
DAEMON_PIDS=()                  # slurmd, slurmctld, munged: the order they are stopped in
CTLD_PID="" SLURMD_PID="" MUNGED_PID=""
FAILURES=0
START_TIME=$SECONDS

pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; FAILURES=$((FAILURES + 1)); }
die() { echo "FAIL: $*"; exit 1; }

show_logs() {
  local f
  for f in "$T"/munge/*.log "$T"/munge/*.out "$T"/slurm/*.log "$T"/slurm/*.out; do
    [[ -s $f ]] || continue
    echo "----- $f (last 40 lines)"
    tail -n 40 "$f"
  done
}

show_job_logs() {
  local f
  for f in "$WORK"/logs/*; do
    [[ -s $f ]] || continue
    echo "----- $f"
    cat "$f"
  done
}

alive() { [[ -n $1 ]] && kill -0 "$1" 2>/dev/null; }

stop_pid() {   # TERM, up to 10 s, then KILL
  local pid=$1 i
  alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do alive "$pid" || break; sleep 0.1; done
  alive "$pid" && kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$? i pid
  set +e
  trap - EXIT INT TERM
  # Jobs still there (an interrupted run): cancel them while the controller is up.
  if alive "$CTLD_PID" && [[ -n $(squeue -h -o %i 2>/dev/null) ]]; then
    scancel --quiet --user=root 2>/dev/null
    for ((i = 0; i < 100; i++)); do [[ -z $(squeue -h -o %i 2>/dev/null) ]] && break; sleep 0.1; done
  fi
  for pid in "${DAEMON_PIDS[@]}"; do stop_pid "$pid"; done
  unset SLURM_CONF   # so that the tr and grep below do not carry it
  # slurmstepd and the job processes are not children of this shell: they are found by the
  # SLURM_CONF of this cluster (a path in $T) in their environment, and only those are stopped.
  for e in /proc/[0-9]*/environ; do
    pid=${e#/proc/}; pid=${pid%/environ}
    [[ $pid == "$$" || $pid == "$BASHPID" ]] && continue
    if tr '\0' '\n' 2>/dev/null <"$e" | grep -qxF "SLURM_CONF=$CONF"; then
      echo "stopping leftover process $pid ($(tr '\0' ' ' </proc/"$pid"/cmdline 2>/dev/null))"
      stop_pid "$pid"
    fi
  done
  rm -rf "$T"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- munge ----------------------------------------------------------------------------------
if command -v mungekey >/dev/null; then
  mungekey --create --keyfile="$T/munge/munge.key" --bits=1024
else
  dd if=/dev/urandom of="$T/munge/munge.key" bs=1 count=1024 status=none
fi
chmod 0400 "$T/munge/munge.key"
munged --foreground --key-file="$T/munge/munge.key" --socket="$MUNGE_SOCKET" \
  --pid-file="$T/munge/munged.pid" --log-file="$T/munge/munged.log" --seed-file="$T/munge/munged.seed" \
  >"$T/munge/munged.out" 2>&1 &
MUNGED_PID=$!
DAEMON_PIDS=("$MUNGED_PID")
for ((i = 0; ; i++)); do
  munge -n -S "$MUNGE_SOCKET" 2>/dev/null | unmunge -S "$MUNGE_SOCKET" >/dev/null 2>&1 && break
  if ((i >= 150)) || ! alive "$MUNGED_PID"; then show_logs; die "munged did not come up"; fi
  sleep 0.1
done
pass "munged up (socket $MUNGE_SOCKET)"

# --- slurm.conf -----------------------------------------------------------------------------
HOST=$(hostname -s)
read -r CTLD_PORT SLURMD_PORT < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks:
    s.bind(("", 0))
print(*[s.getsockname()[1] for s in socks])')
# What slurmd itself detects (CPUs, sockets, cores, threads, memory), so the node registers
# as configured; /proc when slurmd -C says nothing usable.
NODE_HW=$(slurmd -C 2>/dev/null | sed -n '1s/^NodeName=[^ ]* //p' | grep -E '^CPUs=[0-9]+ .*RealMemory=[0-9]+' || true)
if [[ -z $NODE_HW ]]; then
  NODE_HW="CPUs=$(nproc) RealMemory=$(awk '/^MemTotal:/ {print int($2 / 1024)}' /proc/meminfo)"
fi
NODE_CPUS=$(sed -E 's/.*CPUs=([0-9]+).*/\1/' <<<"$NODE_HW")

cat >"$CONF" <<EOF
# One-node test cluster of scripts/test_cluster.sh; everything lives in $T.
ClusterName=varreport-test
SlurmctldHost=$HOST
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$MUNGE_SOCKET
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
StateSaveLocation=$T/slurm/state
SlurmdSpoolDir=$T/slurm/spool
SlurmctldPidFile=$T/slurm/slurmctld.pid
SlurmdPidFile=$T/slurm/slurmd.pid
SlurmctldLogFile=$T/slurm/slurmctld.log
SlurmdLogFile=$T/slurm/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
MailProg=/bin/true
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
MessageTimeout=10
InactiveLimit=0
KillWait=5
Waittime=0
# Finished jobs stay in the controller for an hour: their exit codes are read with scontrol
# (there is no accounting, so no sacct).
MinJobAge=3600
NodeName=$HOST $NODE_HW State=UNKNOWN
PartitionName=test Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$CONF

# --- slurmctld and slurmd -------------------------------------------------------------------
slurmctld -D -f "$CONF" >"$T/slurm/slurmctld.out" 2>&1 &
CTLD_PID=$!
DAEMON_PIDS=("$CTLD_PID" "${DAEMON_PIDS[@]}")
slurmd -D -f "$CONF" >"$T/slurm/slurmd.out" 2>&1 &
SLURMD_PID=$!
DAEMON_PIDS=("$SLURMD_PID" "${DAEMON_PIDS[@]}")
state="" start=$SECONDS
while :; do
  state=$(sinfo -h -N -n "$HOST" -o %T 2>/dev/null | head -n 1 || true)
  [[ $state == idle ]] && break
  if ((SECONDS - start >= WAIT_NODE)) || ! alive "$CTLD_PID" || ! alive "$SLURMD_PID"; then
    sinfo -N -l 2>&1 || true
    sinfo -R 2>&1 || true
    show_logs
    die "node $HOST not idle after ${WAIT_NODE} s (state: ${state:-none}; slurmctld $(alive "$CTLD_PID" && echo running || echo exited), slurmd $(alive "$SLURMD_PID" && echo running || echo exited))"
  fi
  sleep 0.5
done
pass "one-node cluster up: node $HOST idle ($NODE_HW), controller port $CTLD_PORT"

# --- inputs: the committed fixture sweep (6 small runs), the run list as the doc writes it ---
mkdir -p "$S/var-runs"
cp -R "$REPO"/Tests/Fixtures/sweep/. "$S/var-runs/"
find "$S/var-runs" -name stdout.txt -printf '%h\n' | sort >"$S/sweep-runs.txt"
mapfile -t RUNS <"$S/sweep-runs.txt"
[[ ${#RUNS[@]} -ge 3 ]] || die "expected at least 3 runs in $S/sweep-runs.txt, got ${#RUNS[@]}"
SHARDS=3

ln -s "$VARREPORT" "$T/bin/varreport"
export PATH="$T/bin:$PATH"      # sbatch exports the environment: the jobs find varreport on PATH

# The doc's sweep.sbatch, with /shared → $S, its output folder → $2, and 3 array tasks.
write_sbatch() {   # FILE OUTDIR
  python3 - "$REPO/docs/CLUSTER.md" "$1" "$2" "$S" "$SHARDS" <<'PY'
import re, sys
doc, out, outdir, shared, shards = sys.argv[1:]
text = open(doc, encoding="utf-8").read()
m = re.search(r"`sweep\.sbatch`[^\n]*\n(?:[^\n]*\n)*?```bash\n(.*?)```", text, re.S)
if not m:
    sys.exit(f"no ```bash block after `sweep.sbatch` in {doc}")
script = m.group(1)
script, n_out = re.subn(r"(-o\s+)/shared/sweep(?![\w.-])", r"\g<1>@OUTDIR@", script)
script, n_arr = re.subn(r"(#SBATCH\s+--array=)\S+", rf"\g<1>0-{int(shards) - 1}", script)
script = script.replace("/shared/", "@SHARED@/")
if n_out != 1 or n_arr != 1 or "/shared" in script or "varreport sweep" not in script:
    sys.exit(f"the sweep.sbatch of {doc} no longer has the expected shape "
             f"(output folders {n_out}, --array lines {n_arr})")
script = script.replace("@OUTDIR@", outdir).replace("@SHARED@", shared)
open(out, "w", encoding="utf-8").write(script)
PY
}

# The doc's resources (--cpus-per-task=4 --mem=8G) are a real cluster's: a task asking for 4 CPUs
# is refused by a 2-core node. Command-line options override #SBATCH lines, so the script text
# stays the doc's and each task gets one CPU (hence --jobs 1).
ARRAY_RES=(--cpus-per-task=1 --mem=512M)

submit_array() {   # SBATCH_FILE [extra sbatch options]
  local file=$1; shift
  (cd "$WORK" && sbatch --parsable "${ARRAY_RES[@]}" "$@" "$file")
}

submit_merge() {   # ARRAY_ID SWEEP_DIR: the doc's merge line (plus --parsable for the id)
  (cd "$WORK" && sbatch --parsable --dependency=afterany:"$1" --job-name=varreport-merge --cpus-per-task=2 --time=00:10:00 \
    --output=logs/varreport-merge-%j.out --wrap "varreport sweep --merge $2")
}

# A field of a job (or array task, ID_I) as scontrol shows it, e.g. JobState, ExitCode.
job_field() {   # ID FIELD
  { scontrol -o show job "$1" 2>/dev/null || true; } | head -n 1 | { grep -oE "(^| )$2=[^ ]*" || true; } |
    head -n 1 | sed 's/^ *[^=]*=//'
}

# Waits until none of the jobs is pending or running any more (squeue, all states).
wait_jobs() {   # LABEL ID...
  local label=$1 start=$SECONDS left; shift
  while :; do
    left=$(squeue -h -t all -j "$(IFS=,; echo "$*")" -o '%T' 2>/dev/null |
      grep -cvE '^(COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|PREEMPTED|BOOT_FAIL|DEADLINE)$' || true)
    [[ $left == 0 ]] && { pass "$label: all jobs finished in $((SECONDS - start)) s"; return 0; }
    if ((SECONDS - start >= WAIT_JOBS)); then
      squeue -t all -j "$(IFS=,; echo "$*")" 2>&1 || true
      show_job_logs
      show_logs
      die "$label: jobs $* not finished after ${WAIT_JOBS} s"
    fi
    sleep 0.5
  done
}

check_task() {   # ID STATE EXITCODE LABEL
  local st ec
  st=$(job_field "$1" JobState); ec=$(job_field "$1" ExitCode)
  if [[ $st == "$2" && $ec == "$3" ]]; then
    pass "$4: $1 $st, exit code $ec"
  else
    fail "$4: $1 is ${st:-unknown} with exit code ${ec:-unknown} (expected $2, $3)"
    scontrol -o show job "${1%%_*}" 2>&1 || true
    show_job_logs
  fi
}

shard_log() { cat "$WORK/logs/varreport-$1_$2.out" 2>/dev/null; }

# --- the one-machine reference --------------------------------------------------------------
varreport sweep "$S/sweep-runs.txt" -o "$S/single" --jobs 1 -q ||
  fail "one-machine sweep exited $? (expected 0)"
[[ -s $S/single/sweep.json ]] || die "the one-machine sweep wrote no sweep.json"
pass "one-machine sweep of ${#RUNS[@]} runs"

# --- 1. the recipe: array of 3 shards, then the afterany merge ------------------------------
write_sbatch "$WORK/sweep.sbatch" "$S/sweep" || die "cannot write sweep.sbatch from docs/CLUSTER.md"
ARRAY=$(submit_array sweep.sbatch)
MERGE=$(submit_merge "$ARRAY" "$S/sweep")
echo "submitted array $ARRAY and merge $MERGE"
wait_jobs "recipe" "$ARRAY" "$MERGE"
for ((k = 0; k < SHARDS; k++)); do
  check_task "${ARRAY}_$k" COMPLETED 0:0 "shard $k/$SHARDS"
  n=$(( (${#RUNS[@]} - k + SHARDS - 1) / SHARDS ))
  if shard_log "$ARRAY" "$k" | grep -qF "$n runs (shard $k/$SHARDS of ${#RUNS[@]} runs): $n rendered"; then
    pass "shard $k/$SHARDS rendered its $n runs"
  else
    fail "shard $k/$SHARDS: its log does not say '$n runs (shard $k/$SHARDS of ${#RUNS[@]} runs): $n rendered'"
    shard_log "$ARRAY" "$k"
  fi
done
check_task "$MERGE" COMPLETED 0:0 "merge"
if cmp "$S/sweep/sweep.json" "$S/single/sweep.json"; then
  pass "merged sweep.json equals the one-machine sweep.json byte for byte"
else
  fail "merged sweep.json differs from the one-machine sweep.json"
  diff <(python3 -m json.tool "$S/sweep/sweep.json") <(python3 -m json.tool "$S/single/sweep.json") | head -n 40 || true
fi

# --- 2. a task that never ran: held array, task 1 cancelled, then released ------------------
write_sbatch "$WORK/sweep-killed.sbatch" "$S/sweep-killed" || die "cannot write sweep-killed.sbatch"
ARRAY=$(submit_array sweep-killed.sbatch --hold)
MERGE=$(submit_merge "$ARRAY" "$S/sweep-killed")
scancel "${ARRAY}_1"
left=$(squeue -h -t all -j "$ARRAY" -o %i | tr '\n' ' ')
scontrol release "$ARRAY"
echo "submitted held array $ARRAY, cancelled ${ARRAY}_1 (left: $left), released; merge $MERGE"
wait_jobs "cancelled task" "$ARRAY" "$MERGE"
check_task "${ARRAY}_0" COMPLETED 0:0 "shard 0/$SHARDS"
# A pending task that is cancelled leaves no record of its own: Slurm drops it from the array.
st=$(job_field "${ARRAY}_1" JobState)
if [[ ( -z $st || $st == CANCELLED ) && ! -e $WORK/logs/varreport-${ARRAY}_1.out ]]; then
  pass "shard 1/$SHARDS: ${ARRAY}_1 never ran (${st:-no longer known to the controller})"
else
  fail "shard 1/$SHARDS: ${ARRAY}_1 is ${st:-unknown}$([[ -e $WORK/logs/varreport-${ARRAY}_1.out ]] && echo ' and wrote a log'), expected it cancelled before it ran"
fi
check_task "${ARRAY}_2" COMPLETED 0:0 "shard 2/$SHARDS"
check_task "$MERGE" FAILED 1:0 "merge with a shard missing"
if python3 - "$S/sweep-killed/sweep.json" "$S/sweep-runs.txt" "$SHARDS" <<'PY'
import json, sys
sweep = json.load(open(sys.argv[1]))
runs = [l.strip() for l in open(sys.argv[2]) if l.strip()]
shards = int(sys.argv[3])
want = sorted(p for i, p in enumerate(runs) if i % shards == 1)
failed = sorted(r["path"] for r in sweep["runs"] if r["status"] == "failed")
ok = failed == want and len(sweep["runs"]) == len(runs)
for r in sweep["runs"]:
    if r["status"] == "failed":
        ok = ok and "not rendered" in (r.get("error") or "")
        print(f"  failed: {r['name']}: {r.get('error')}")
if not ok:
    print(f"  expected failed: {want}\n  got: {failed} ({len(sweep['runs'])} runs)")
sys.exit(0 if ok else 1)
PY
then
  pass "the merge lists exactly shard 1's runs as failed (not rendered)"
else
  fail "the merge's sweep.json does not list exactly shard 1's runs as failed"
  show_job_logs
fi

# Resubmitting the array renders only what is missing; the merge then equals the reference.
ARRAY2=$(submit_array sweep-killed.sbatch)
MERGE2=$(submit_merge "$ARRAY2" "$S/sweep-killed")
echo "resubmitted array $ARRAY2 and merge $MERGE2"
wait_jobs "resubmission" "$ARRAY2" "$MERGE2"
for ((k = 0; k < SHARDS; k++)); do
  check_task "${ARRAY2}_$k" COMPLETED 0:0 "resubmitted shard $k/$SHARDS"
  n=$(( (${#RUNS[@]} - k + SHARDS - 1) / SHARDS ))
  if [[ $k == 1 ]]; then expect="$n rendered, 0 unchanged"; else expect="0 rendered, $n unchanged"; fi
  if shard_log "$ARRAY2" "$k" | grep -qF "of ${#RUNS[@]} runs): $expect"; then
    pass "resubmitted shard $k/$SHARDS: $expect"
  else
    fail "resubmitted shard $k/$SHARDS: its log does not say '$expect'"
    shard_log "$ARRAY2" "$k"
  fi
done
check_task "$MERGE2" COMPLETED 0:0 "merge after the resubmission"
if cmp "$S/sweep-killed/sweep.json" "$S/single/sweep.json"; then
  pass "after the resubmission the merged sweep.json equals the one-machine sweep.json byte for byte"
else
  fail "after the resubmission the merged sweep.json differs from the one-machine sweep.json"
  diff <(python3 -m json.tool "$S/sweep-killed/sweep.json") <(python3 -m json.tool "$S/single/sweep.json") | head -n 40 || true
fi

if ((FAILURES > 0)); then
  echo "FAIL: test-cluster: $FAILURES check(s) failed ($((SECONDS - START_TIME)) s)"
  exit 1
fi
echo "PASS: test-cluster: every check passed ($((SECONDS - START_TIME)) s)"

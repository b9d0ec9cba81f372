#!/usr/bin/env python3
"""watch_cost.py: what `varreport watch` costs while a run grows, beside a full re-read.

    watch_cost.py BIN FULL_RUN_DIR GROW_STDOUT --results F [--seconds 60]

FULL_RUN_DIR is a finished real-sized run (gen_run.py: 200 epochs x 1669 iterations); its
stdout.txt is cut at the start of epoch 100 (no end marker), watch is started on the copy, and
the rest is appended one line at a time: the CPU each line costs the watch process (from
/proc/PID/stat, less what it spends idle in the same time) against `summary --json` on the same
folder. GROW_STDOUT is a long stdout.txt (gen_stdout.py): its first MB is watched, then the rest
appended at 1 MB a minute for --seconds; the watch process's CPU over that time is its share of
one core. Appends JSON records {"case", "name", ...} to F for report.py.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


def start_watch(binary, run):
    p = subprocess.Popen([binary, "watch", run, "--json"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    lines = []
    threading.Thread(target=lambda: [lines.append(l) for l in p.stdout], daemon=True).start()
    return p, lines


def settle(pid, quiet_for=2.0, limit=60.0):
    """Waits until the process's CPU time stops moving (its first read and analysis done)."""
    start = time.time()
    last, since = cpu_seconds(pid), time.time()
    while time.time() - start < limit:
        time.sleep(0.25)
        now = cpu_seconds(pid)
        if now != last:
            last, since = now, time.time()
        elif time.time() - since >= quiet_for:
            return
    raise SystemExit("watch did not settle")


def append(path, data):
    with open(path, "ab") as f:
        f.write(data)


def record(results, rec):
    rec["when"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    with open(results, "a") as f:
        f.write(json.dumps(rec) + "\n")


def full_reread_cpu(binary, run):
    cpus = []
    for _ in range(3):
        t = os.times()
        subprocess.run([binary, "summary", run, "--json"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        u = os.times()
        cpus.append((u.children_user - t.children_user) + (u.children_system - t.children_system))
    return sorted(cpus)[1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("full_run")
    ap.add_argument("grow_stdout")
    ap.add_argument("--results", required=True)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--appends", type=int, default=10)
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="varreport-watch-bench-")
    try:
        # 1. One iteration line at a time on a real-sized run.
        # stdout.txt only: the event file and log.txt hold all 200 epochs (the run would be
        # finished at once, and cutting an event file means decoding it).
        run = os.path.join(work, "run")
        os.makedirs(run)
        stdout = open(os.path.join(a.full_run, "stdout.txt"), "rb").read()
        cut = stdout.index(b"[Ep]: [ 100/")
        cut = stdout.rindex(b"\n", 0, cut) + 1
        open(os.path.join(run, "stdout.txt"), "wb").write(stdout[:cut])
        rest = stdout[cut:].split(b"\n")
        p, _ = start_watch(a.binary, run)
        settle(p.pid)
        c0, t0 = cpu_seconds(p.pid), time.time()
        time.sleep(10)
        idle = (cpu_seconds(p.pid) - c0) / (time.time() - t0)
        c1, t1 = cpu_seconds(p.pid), time.time()
        for line in rest[:a.appends]:
            append(os.path.join(run, "stdout.txt"), line + b"\n")
            time.sleep(3)   # at least one poll and one analysis (the CPU budget spaces them)
        settle(p.pid)
        if p.poll() is not None:
            raise SystemExit("watch ended before the appends were read")
        per_line = (cpu_seconds(p.pid) - c1 - idle * (time.time() - t1)) / a.appends
        p.terminate()
        p.wait()
        reread = full_reread_cpu(a.binary, run)
        record(a.results, {"case": "watch-append", "name": "varreport", "status": "ok", "exit": 0,
                           "input": "gen_run.py's stdout.txt cut at epoch 100 of 200, one line appended at a time",
                           "per_line_cpu": per_line, "idle_cpu_share": idle, "reread_cpu": reread,
                           "median_wall": None, "median_cpu": per_line, "max_rss_mb": None})
        # 2. 1 MB a minute.
        grow = os.path.join(work, "grow")
        os.makedirs(grow)
        data = open(a.grow_stdout, "rb").read()
        first = data.index(b"\n", 1 << 20) + 1
        open(os.path.join(grow, "stdout.txt"), "wb").write(data[:first])
        p, _ = start_watch(a.binary, grow)
        settle(p.pid)
        c0, t0 = cpu_seconds(p.pid), time.time()
        rate = 1e6 / 60
        at = first
        while time.time() - t0 < a.seconds and at < len(data):
            time.sleep(0.5)
            want = first + int((time.time() - t0) * rate)
            nl = data.rfind(b"\n", at, want)
            if nl >= at:
                append(os.path.join(grow, "stdout.txt"), data[at:nl + 1])
                at = nl + 1
        elapsed = time.time() - t0
        if p.poll() is not None:
            raise SystemExit("watch ended while the run grew")
        share = (cpu_seconds(p.pid) - c0) / elapsed
        p.terminate()
        p.wait()
        record(a.results, {"case": "watch-1mb-min", "name": "varreport", "status": "ok", "exit": 0,
                           "input": f"gen_stdout.py: 1 MB watched, then {(at - first) / 1e6:.2f} MB appended over {elapsed:.0f} s",
                           "cpu_share": share, "median_wall": elapsed, "median_cpu": share * elapsed, "max_rss_mb": None})
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

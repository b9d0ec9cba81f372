#!/usr/bin/env python3
"""measure.py: time whole processes and append the results to a JSON Lines file.

    measure.py run  --results F --case ID --reps N [--warmup K] --names a[,b...] [--input TEXT] [--bytes N]
                    [--stdout-to DIR] [--artifact NAME=FILE] [--phase REGEX] -- CMD_A ... [::: CMD_B ...]
    measure.py skip --results F --case ID --reason TEXT [--names a]
    measure.py note --results F --case ID --names a --wall S --rss-mb M --source TEXT [--input TEXT]

The CPU time (user + system, of the process and its children) is kept beside the wall time: on
a machine shared with other work it is the better guide to what the wall time would be alone.
`run` runs each command K times unrecorded (--warmup: font caches, .pyc files, page cache),
then the commands round-robin (A, B, A, B, ...) N times each, every run under
`/usr/bin/time -f '%e %M'` (wall seconds, peak RSS in KiB of the largest process), with stdout
sent to /dev/null (or to DIR/<name>.out, for checking) and stderr kept for the message when a
command fails. A command that fails is not repeated. One record per command:
    {"case", "name", "input", "bytes", "cmd", "walls", "cpus", "rss_kb", "median_wall", "median_cpu",
     "max_rss_mb",
     "status": "ok"|"failed", "exit", "error", "when"}
`skip` records why a case could not run; `note` records a number taken from elsewhere (the
anchors' README), marked with its source. Only the standard library.
"""
import argparse
import datetime as dt
import json
import re
import os
import shlex
import statistics
import subprocess
import sys
import tempfile


def now():
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def append(path, rec):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "a") as f:
        f.write(json.dumps(rec) + "\n")


def split_cmds(argv):
    cmds, cur = [], []
    for a in argv:
        if a == ":::":
            cmds.append(cur)
            cur = []
        else:
            cur.append(a)
    cmds.append(cur)
    return [c for c in cmds if c]


def time_once(cmd, stdout_path):
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf, \
            tempfile.TemporaryFile("w+") as err:
        out = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
        try:
            p = subprocess.run(["/usr/bin/time", "-f", "%e %M %U %S", "-o", tf.name, *cmd],
                               stdout=out, stderr=err)
        finally:
            if stdout_path:
                out.close()
        fields = open(tf.name).read().strip().splitlines()
        last = fields[-1].split() if fields else []
        err.seek(0)
        text = err.read()
        tail = text[-600:].strip()
        if len(last) != 4:
            return None, None, None, p.returncode, tail or "no timing from /usr/bin/time", text
        return float(last[0]), int(last[1]), float(last[2]) + float(last[3]), p.returncode, tail, text


def cmd_run(a, rest):
    cmds = split_cmds(rest)
    if a.stdout_to:
        os.makedirs(a.stdout_to, exist_ok=True)
    names = a.names.split(",")
    if len(names) != len(cmds):
        sys.exit(f"measure.py: {len(names)} names for {len(cmds)} commands")
    recs = [{"case": a.case, "name": n, "input": a.input, "bytes": a.bytes, "cmd": shlex.join(c),
             "walls": [], "cpus": [], "rss_kb": [], "status": "ok", "exit": 0, "error": None, "when": now()}
            for n, c in zip(names, cmds)]
    for rec, cmd in zip(recs, cmds):  # unrecorded: caches (fonts, .pyc, page cache) warm
        for _ in range(a.warmup):
            time_once(cmd, None)
    for _ in range(a.reps):
        for rec, cmd in zip(recs, cmds):
            if rec["status"] != "ok":
                continue
            so = os.path.join(a.stdout_to, rec["name"] + ".out") if a.stdout_to else None
            wall, rss, cpu, code, tail, err_text = time_once(cmd, so)
            if code not in a.ok_exit or wall is None:
                rec.update(status="failed", exit=code, error=tail.splitlines()[-1] if tail else f"exit {code}")
                continue
            if code != 0:
                rec["exit"] = code
                rec["error"] = f"exit {code} (accepted): " + (tail.splitlines()[-1] if tail else "")
            rec["walls"].append(wall)
            rec["rss_kb"].append(rss)
            rec["cpus"].append(cpu)
            if a.phase:
                m = re.search(a.phase, err_text)
                if m:
                    rec.setdefault("phases", []).append(float(m.group(1)))
            print(f"  {a.case} {rec['name']}: {wall:.2f} s wall, {cpu:.2f} s CPU, {rss / 1024:.0f} MB",
                  file=sys.stderr)
    arts = dict(x.split("=", 1) for x in a.artifact)
    for rec in recs:
        f = arts.get(rec["name"])
        if f and os.path.exists(f):
            rec["artifact"] = f
            rec["artifact_bytes"] = os.path.getsize(f)
        if rec["walls"]:
            rec["median_wall"] = statistics.median(rec["walls"])
            rec["median_cpu"] = statistics.median(rec["cpus"])
            rec["max_rss_mb"] = max(rec["rss_kb"]) / 1024.0
            if rec.get("phases"):
                rec["median_phase"] = statistics.median(rec["phases"])
        else:
            rec["median_wall"] = rec["median_cpu"] = rec["max_rss_mb"] = None
        if rec["status"] != "ok":
            print(f"  {a.case} {rec['name']}: FAILED (exit {rec['exit']}): {rec['error']}", file=sys.stderr)
        append(a.results, rec)
    return 0


def main():
    argv = sys.argv[1:]
    rest = []
    if "--" in argv:
        i = argv.index("--")
        argv, rest = argv[:i], argv[i + 1:]
    ap = argparse.ArgumentParser(description="time whole processes")
    ap.add_argument("mode", choices=("run", "skip", "note"))
    ap.add_argument("--results", required=True)
    ap.add_argument("--case", required=True)
    ap.add_argument("--names", default="varreport")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--ok-exit", type=lambda x: [int(c) for c in x.split(",")], default=[0],
                    help="exit codes that still count as a run, e.g. 0,1")
    ap.add_argument("--warmup", type=int, default=0, help="unrecorded runs of each command first")
    ap.add_argument("--input", default="")
    ap.add_argument("--bytes", type=int, default=None)
    ap.add_argument("--stdout-to", default=None)
    ap.add_argument("--phase", default=None,
                    help="a regex whose first group is a phase time in seconds in the command's stderr "
                         "(varreport -v prints 'read PATH: ... in 0.691 s')")
    ap.add_argument("--artifact", action="append", default=[],
                    help="NAME=FILE: after the runs, record FILE's size in NAME's record")
    ap.add_argument("--reason", default="")
    ap.add_argument("--wall", type=float)
    ap.add_argument("--rss-mb", type=float)
    ap.add_argument("--source", default="")
    a = ap.parse_args(argv)
    if a.mode == "run":
        if not rest:
            sys.exit("measure.py run: give the command(s) after --")
        return cmd_run(a, rest)
    if a.mode == "skip":
        for n in a.names.split(","):
            append(a.results, {"case": a.case, "name": n, "input": a.input, "status": "skipped",
                               "error": a.reason, "when": now()})
        print(f"  {a.case}: SKIPPED: {a.reason}", file=sys.stderr)
        return 0
    append(a.results, {"case": a.case, "name": a.names, "input": a.input, "status": "quoted",
                       "median_wall": a.wall, "max_rss_mb": a.rss_mb, "source": a.source,
                       "walls": [], "rss_kb": [], "when": now()})
    return 0


if __name__ == "__main__":
    sys.exit(main())

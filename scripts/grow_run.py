#!/usr/bin/env python3
"""Writes a finished run's files into DST a piece at a time, as a trainer would, for trying and
measuring `varreport watch`: stdout.txt appended (pieces cut lines anywhere), stderr.txt at the end,
log.txt written near the end (cut short, then truncated and written afresh whole, as VAR
rewrites it), event files one after another (a restart starts a new one).

    grow_run.py SRC DST [--seconds 20] [--steps 40] [--rate-mb-per-min R]

With --rate-mb-per-min, the pieces are paced to that rate instead (for the CPU-cost bench).
"""
import argparse
import os
import shutil
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--steps", type=int, default=40)
    ap.add_argument("--rate-mb-per-min", type=float, default=None)
    a = ap.parse_args()
    texts, events = [], []
    for root, _, files in os.walk(a.src):
        for f in sorted(files):
            p = os.path.join(root, f)
            rel = os.path.relpath(p, a.src)
            data = open(p, "rb").read()
            (events if "tfevents" in f else texts).append((rel, data))
    events.sort()
    if os.path.exists(a.dst):
        shutil.rmtree(a.dst)
    os.makedirs(a.dst)
    total = sum(len(d) for _, d in texts) + sum(len(d) for _, d in events)
    pause = a.seconds / a.steps
    if a.rate_mb_per_min:
        pause = total / a.steps / (a.rate_mb_per_min * 1e6 / 60)
    written = {}
    for k in range(1, a.steps + 1):
        for rel, data in texts:
            path = os.path.join(a.dst, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            if rel.endswith("log.txt"):
                if k >= a.steps - 2:
                    cut = len(data) if k == a.steps else len(data) // 2
                    with open(path, "wb") as f:
                        f.write(data[:cut])
                continue
            # stderr.txt holds what went wrong at the end (the example's relaunch traceback).
            up_to = (len(data) if k == a.steps else 0) if rel.endswith("stderr.txt") else len(data) * k // a.steps
            have = written.get(rel, 0)
            if up_to > have:
                with open(path, "ab") as f:
                    f.write(data[have:up_to])
                written[rel] = up_to
        budget = sum(len(d) for _, d in events) * k // a.steps
        for rel, data in events:
            up_to = min(len(data), budget)
            budget -= up_to
            if up_to == 0:
                break
            path = os.path.join(a.dst, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            have = written.get(rel, 0)
            if up_to > have:
                with open(path, "ab") as f:
                    f.write(data[have:up_to])
                written[rel] = up_to
        sys.stdout.flush()
        if k < a.steps:
            time.sleep(pause)


if __name__ == "__main__":
    main()

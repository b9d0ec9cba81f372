#!/usr/bin/env python3
"""Read back what make_example_run.py and make_fixtures.py wrote, independently of them.

    python3 scripts/check_outputs.py

- reads every TensorBoard folder with tensorboard's EventAccumulator and prints tag counts;
- parses Examples/var-d16/stdout.txt and its event files the way a reader should (later
  occurrence wins) and checks the crossing epochs and the validation minimum against
  Examples/var-d16.answers.json;
- runs ast.literal_eval on every log.txt line (nan/inf and truncated lines are expected to fail
  where the fixture README says so);
- checks the size limits (example < 1 MB, each fixture < 100 KB).
Exits 1 on any mismatch.  Needs tensorboard.
"""

from __future__ import annotations

import ast
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join(ROOT, "Examples", "var-d16")
FIXTURES = os.path.join(ROOT, "Tests", "Fixtures")
FAILURES: list[str] = []


def check(cond: bool, what: str):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        FAILURES.append(what)


def accumulate(folder: str) -> dict:
    """{tag: [(step, value)]} as EventAccumulator loads the folder."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    ea = EventAccumulator(folder, size_guidance={"scalars": 0, "tensors": 0})
    ea.Reload()
    return {t: [(e.step, e.value) for e in ea.Scalars(t)] for t in ea.Tags()["scalars"]}


def later_file_wins(folder: str) -> dict:
    """{tag: {step: value}}, file by file in name order; a file's first step for a tag drops
    the earlier files' points at and after that step."""
    from tensorboard.backend.event_processing.event_file_loader import LegacyEventFileLoader
    out: dict = {}
    for name in sorted(os.listdir(folder)):
        seen_in_file: set = set()
        for ev in LegacyEventFileLoader(os.path.join(folder, name)).Load():
            for v in ev.summary.value:
                pts = out.setdefault(v.tag, {})
                if v.tag not in seen_in_file:
                    seen_in_file.add(v.tag)
                    for s in [s for s in pts if s >= ev.step]:
                        del pts[s]
                pts[ev.step] = v.simple_value
    return out


def crossing(series: list, threshold: float = 5.5):
    first = next((e for e, v in series if v < threshold), None)
    stays = None
    for e, v in reversed(series):
        if v >= threshold:
            break
        stays = e
    return first, stays


def check_example():
    ans = json.load(open(EXAMPLE + ".answers.json"))
    size = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(EXAMPLE) for f in fs)
    check(size < 1_000_000, f"Examples/var-d16 is {size} bytes (< 1 MB)")
    text = open(os.path.join(EXAMPLE, "stdout.txt"), encoding="utf-8").read()
    ep_re = re.compile(r"\[ep(\d+)\]  \(training \)  Lm: [\d.]+ \(([\d.]+)\), Lt: [\d.]+ \(([\d.]+)\)")
    lt = {}
    for m in ep_re.finditer(text):
        lt[int(m.group(1))] = float(m.group(3))          # later occurrence wins
    series = sorted(lt.items())
    fb, sb = crossing(series)
    exp = ans["metrics"]["L_tail"]
    check(len(series) == 200, f"stdout: {len(series)} distinct epochs")
    check((fb, sb) == (exp["first_below"]["epoch"], exp["stays_below_from"]),
          f"stdout Lt crossing first_below={fb} stays_below_from={sb}")
    tb = os.path.join(EXAMPLE, [d for d in os.listdir(EXAMPLE) if d.startswith("tb-")][0])
    acc = accumulate(tb)
    print("EventAccumulator, Examples/var-d16:")
    for tag in sorted(acc):
        print(f"  {tag:36s} {len(acc[tag]):4d}")
    truth = later_file_wins(tb)
    tl = sorted((s - 1, v) for s, v in truth["AR_ep_loss/L_tail"].items())
    check(len(tl) == 200, f"TB later-file-wins: {len(tl)} epoch points for L_tail")
    check(crossing(tl) == (fb, sb), f"TB Lt crossing {crossing(tl)}")
    vt = sorted((s - 1, v) for s, v in truth["AR_ep_loss/vL_tail"].items())
    vm = sorted((s - 1, v) for s, v in truth["AR_ep_loss/vL_mean"].items())
    check(min(vt, key=lambda p: p[1])[0] == ans["validation"]["vL_tail"]["best_epoch"] == 159, "vL_tail min at 159")
    check(min(vm, key=lambda p: p[1])[0] == ans["validation"]["vL_mean"]["best_epoch"] == 159, "vL_mean min at 159")
    check(len(acc["AR_ep_loss/L_tail"]) == 203, "EventAccumulator keeps the 3 repeated epochs (203 points)")
    neg = [s for s, _ in acc["AR_iter_loss/z_voc_usage"] if s < 0]
    check(neg == [-10000, -1000], f"z_voc_usage negative steps {neg}")
    lines = open(os.path.join(EXAMPLE, "log.txt")).read().splitlines()
    dicts = [ast.literal_eval(l) for l in lines if l.startswith("{'")]
    header = json.loads("\n".join(l for l in lines if not l.startswith("{'")))
    check([d["ep"] for d in dicts] == ans["log_txt"]["ep_strings"], f"log.txt: {len(dicts)} dict lines parse")
    check("tb_log_dir_path" in header, "log.txt header is JSON")


def check_fixtures():
    for r, _, fs in os.walk(FIXTURES):
        for f in fs:
            p = os.path.join(r, f)
            if os.path.getsize(p) >= 100_000:
                check(False, f"{p} under 100 KB")
    base = os.path.join(FIXTURES, "tfevents")
    for sub in sorted(os.listdir(base)):
        if sub == "damaged":
            continue
        acc = accumulate(os.path.join(base, sub))
        print(f"EventAccumulator, tfevents/{sub}: " + ", ".join(f"{t}={len(v)}" for t, v in sorted(acc.items())))
    truth = later_file_wins(os.path.join(base, "restart"))
    check(sorted(truth["train/loss"].items()) == [(s, 10.0 - s) for s in range(6)] + [(s, 100.0 + s) for s in range(6, 13)],
          "restart/: later-file-wins train/loss")
    check(sorted(truth["lr"]) == [0, 5, 6, 12], "restart/: lr steps 0, 5, 6, 12")
    for name, bad in (("log-restart-quirk.txt", []), ("log-values.txt", [2, 3, 6])):
        lines = open(os.path.join(FIXTURES, "var", name), encoding="utf-8").read().split("\n")
        dl = [l for l in lines if l.startswith("{'")]
        failed = []
        for i, l in enumerate(dl, 1):
            try:
                ast.literal_eval(l)
            except (ValueError, SyntaxError):
                failed.append(i)
        check(failed == bad, f"var/{name}: literal_eval fails on dict lines {failed} (expected {bad})")


def main():
    check_example()
    check_fixtures()
    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed")
        sys.exit(1)
    print("all checks passed")


if __name__ == "__main__":
    main()

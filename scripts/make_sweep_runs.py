#!/usr/bin/env python3
"""Write a family of synthetic VAR training runs (a sweep) in VAR's real output layout.

    python3 scripts/make_sweep_runs.py fixture OUTDIR      # the committed test fixture (6 small runs)
    python3 scripts/make_sweep_runs.py bench OUTDIR [-n 100] [--epochs 200]
                                                           # the benchmark set (not committed)
    python3 scripts/make_sweep_runs.py touch RUNDIR        # change one run (appends to its log.txt)
    python3 scripts/make_sweep_runs.py measure [--binary .build/release/varreport] [--dir /tmp/varreport-bench]
                                                           # the benchmark: generate, sweep with 1 and 2
                                                           # jobs, re-run after one run changed

Each run folder gets `stdout.txt`, `log.txt` and one TensorBoard event file under
`tb-VARd{depth}__pn.../`, printed in the formats of FoundationVision/VAR (see
scripts/make_example_run.py for the single, richer example run and docs in VAR-LOGS.md).
Final losses follow a power law in the parameter count, so the sweep has a scaling law to
find: the parameter count printed as `[INIT][#para] VAR=...` is VAR's own for the depth
(d16 310.3 M, d20 600 M, d24 1.03 B, d30 2.0 B).

Needs only the Python standard library (event files are encoded by hand, as tensorboardX
would write them).  Same arguments, same bytes.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from varsim import UNIFORM_LOSS, event_bytes, prefix, tfrecord, time_str, timedelta_str  # noqa: E402

PN = "1_2_3_4_5_6_8_10_13_16"
TRAIN_PY = "/opt/tiger/run/VAR/train.py"
MISC_PY = "/opt/tiger/run/VAR/utils/misc.py"
START = 1735624029.0        # 2024-12-31 13:47:09 CST


def var_parameters(depth: int, vocab: int = 4096, tokens: int = 680, classes: int = 1000) -> int:
    """VAR's parameter count for a depth (models/var.py: C = 64 d, AdaLN blocks, 4096-way head)."""
    c = 64 * depth
    block = 18 * c * c + 14 * c + depth
    head = 2 * c * c + 2 * c + vocab * c + vocab
    emb = 32 * c + c + (classes + 1) * c + 10 * c + c + tokens * c
    return depth * block + head + emb


class RunSpec:
    """One run of the family."""

    def __init__(self, name, depth=16, tblr=1e-4, bs=768, seed=0, epochs=30, iters=100,
                 stop_epoch=None, diverge_epoch=None, print_params=True):
        self.name, self.depth, self.tblr, self.bs, self.seed = name, depth, tblr, bs, seed
        self.epochs, self.iters = epochs, iters
        self.stop_epoch = stop_epoch            # unfinished: the log ends after this many epochs
        self.diverge_epoch = diverge_epoch      # the loss becomes NaN from this epoch on
        self.print_params = print_params

    @property
    def params(self) -> int:
        return var_parameters(self.depth)

    def curve(self, tail: bool):
        """(asymptote, tau, p) of L(x) = c + (ln V - c)(1 + x/tau)^-p for this size, lr and seed."""
        n = self.params / 310e6
        lr_pen = 0.04 * math.log(self.tblr / 1e-4) ** 2
        rng = random.Random(hash_seed(self.seed, self.depth, self.tblr, self.bs, 7))
        noise = rng.gauss(0, 0.012)
        if tail:
            c = 4.5 + 0.78 * n ** -0.28 + lr_pen + noise
        else:
            c = 5.0 + 0.78 * n ** -0.25 + 0.8 * lr_pen + noise
        return c, 1.3, 0.68


def hash_seed(*parts) -> int:
    """A stable integer from parts (Python's hash() is salted per process)."""
    h = 1469598103934665603
    for ch in repr(parts).encode():
        h = ((h ^ ch) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return h


def loss_at(spec: RunSpec, x: float, tail: bool) -> float:
    c, tau, p = spec.curve(tail)
    # A run of `epochs` epochs covers what VAR's 200 epochs do: time is rescaled.
    xe = max(x, 0.0) * 200 / spec.epochs
    return c + (UNIFORM_LOSS - c) * (1 + xe / tau) ** -p


def acc_from_loss(loss: float, tail: bool) -> float:
    k, gamma = (1.278, 1.535) if tail else (1.795, 1.015)
    return 100 / 4096 + k * max(UNIFORM_LOSS - loss, 0.0) ** gamma


# ----------------------------------------------------------------------------------------
# TensorBoard event encoding (protobuf by hand: Event{wall_time, step, file_version | summary})
# ----------------------------------------------------------------------------------------

def event(wall: float, step: int, tag: str | None = None, value: float | None = None,
          file_version: str | None = None) -> bytes:
    return tfrecord(event_bytes(wall, step, tag, value, file_version))


# ----------------------------------------------------------------------------------------
# One run
# ----------------------------------------------------------------------------------------

def fmt_args(args) -> str:
    body = "\n".join(f"  {k:20s}: {v}" for k, v in args.items())
    return f"{{\n{body}\n}}\n"


def write_run(spec: RunSpec, outdir: str):
    rng = random.Random(hash_seed(spec.name, spec.seed))
    ep_total, iters = spec.epochs, spec.iters
    tlr = spec.tblr * spec.bs / 256
    tb_name = f"tb-VARd{spec.depth}__pn{PN}__b{spec.bs}ep{ep_total}adamlr{spec.tblr:g}wd0.05"
    args = {"data_path": "/mnt/bn/var-data/imagenet", "exp_name": spec.name, "depth": spec.depth, "ini": -1,
            "hd": 0.02, "aln": 0.5, "alng": 0.001, "fp16": 1, "tblr": spec.tblr, "tlr": tlr, "twd": 0.05,
            "twde": 0.05, "tclip": 2.0, "ls": 0.0, "bs": spec.bs, "batch_size": spec.bs // 16,
            "glb_batch_size": spec.bs, "ac": 1, "ep": ep_total, "wp": ep_total / 50, "wp0": 0.005, "wpe": 0.01,
            "sche": "lin0", "opt": "adamw", "pn": PN, "patch_size": 16, "seed": spec.seed,
            "tb_log_dir_path": f"/opt/tiger/run/VAR/local_output/{tb_name}"}
    t = START + rng.uniform(0, 3600)
    out, log, tb = [], [], []
    tb.append(event(t, 0, file_version="brain.Event:2"))

    def pr(path, line, msg, end="\n"):
        out.append(f"{prefix(t, path, line)} {msg}{end}")

    pr(TRAIN_PY, 36, f"global bs={spec.bs}, local bs={spec.bs // 16}")
    pr(TRAIN_PY, 37, f"initial args:\n{fmt_args(args)}")
    pr(TRAIN_PY, 71, f"[dataloader] gbs={spec.bs}, lbs={spec.bs // 16}, iters_train={iters}, "
                     f"types(tr, va)=('DatasetFolder', 'DatasetFolder')")
    if spec.print_params:
        pr(TRAIN_PY, 106, "[INIT][#para] VAE=108.95, VAE.enc=44.11, VAE.dec=64.49, VAE.quant=0.34")
        pr(TRAIN_PY, 107, f"[INIT][#para] VAR={spec.params / 1e6:.2f}\n\n")
    best = {"Lm": 999.0, "Lt": 999.0, "Am": -1.0, "At": -1.0}
    last_val = None
    sec_it = 0.35 + 0.02 * spec.depth
    end_ep = spec.stop_epoch if spec.stop_epoch is not None else ep_total
    print_its = sorted(set(int(round(i * (iters - 1) / 4)) for i in range(5)))
    for ep in range(end_ep):
        diverged = spec.diverge_epoch is not None and ep >= spec.diverge_epoch
        header = f"[Ep]: [{ep:4d}/{ep_total}]"
        lm_s, lt_s = [], []
        for it in range(iters):
            g = ep * iters + it
            t += sec_it * (1 + rng.uniform(-0.05, 0.05))
            if it not in print_its and not (g == 0 or (g + 1) % 500 == 0):
                continue
            x = (g + 0.5) / iters
            lm = loss_at(spec, x, False) + rng.gauss(0, 0.035)
            lt = loss_at(spec, x, True) + rng.gauss(0, 0.06)
            if diverged:
                lm = lt = float("nan")
            elif spec.diverge_epoch is not None and ep >= spec.diverge_epoch - 3:
                blow = 0.4 * (ep - spec.diverge_epoch + 4)
                lm += blow
                lt += blow
            lr = tlr * (1 - g / (ep_total * iters))
            gn = 0.4 + rng.uniform(0, 0.2) if not diverged else float("nan")
            if g == 0 or (g + 1) % 500 == 0:
                tb.append(event(t, g, "AR_opt_lr/lr_max/sche_tlr", lr))
                tb.append(event(t, g, "AR_opt_grad/grad/grad_norm", gn))
            if it in print_its:
                lm_s.append(lm)
                lt_s.append(lt)
                am, at = acc_from_loss(lm, False), acc_from_loss(lt, True)

                def f3(v, s):
                    return f"{v:.3f} ({sum(s) / len(s):.3f})"
                line = "  ".join([header, f"[{it:3d}/{iters}]", f"eta: {timedelta_str(int((iters - it) * sec_it))}",
                                  f"tlr: {lr:.2g}", f"tnm: {gn:.2f}", f"Lm: {f3(lm, lm_s)}", f"Lt: {f3(lt, lt_s)}",
                                  f"Accm: {am:.2f} ({am:.2f})", f"Acct: {at:.2f} ({at:.2f})",
                                  f"time: {sec_it:.4f}", f"data: 0.0004"])
                pr(MISC_PY, 314, line)
        pr(MISC_PY, 336, f"{header}   Total time:      {timedelta_str(int(iters * sec_it))}   ({sec_it:.3f} s / it)")
        x = ep + 0.5
        Lm = loss_at(spec, x, False) + rng.gauss(0, 0.004)
        Lt = loss_at(spec, x, True) + rng.gauss(0, 0.006)
        if diverged:
            Lm = Lt = float("nan")
        Am, At = acc_from_loss(Lm, False), acc_from_loss(Lt, True)
        if not diverged:
            best["Lm"], best["Lt"] = min(best["Lm"], Lm), min(best["Lt"], Lt)
            best["Am"], best["At"] = max(best["Am"], Am), max(best["At"], At)
        ep_loss = {"L_mean": Lm, "L_tail": Lt, "acc_mean": Am, "acc_tail": At}
        if (ep + 1) % 10 == 0 or ep + 1 == ep_total:
            gap = 0.05 + 0.02 * (spec.depth / 16)
            vm, vt = Lm + gap, Lt + gap * 1.3
            last_val = (vm, vt, acc_from_loss(vm, False) - 0.05, acc_from_loss(vt, True) - 0.08)
            ep_loss.update(vL_mean=last_val[0], vL_tail=last_val[1], vacc_mean=last_val[2], vacc_tail=last_val[3])
            pr(TRAIN_PY, 216, f" [*] [ep{ep}]  (val 50000)  Lm: {Lm:.4f}, Lt: {Lt:.4f}, "
                              f"Acc m&t: {Am:.2f} {At:.2f},  Val cost: 50.20s")
        remain = timedelta_str(int((ep_total - ep - 1) * iters * sec_it))
        pr(TRAIN_PY, 233, f"     [ep{ep}]  (training )  Lm: {best['Lm']:.3f} ({Lm:.3f}), Lt: {best['Lt']:.3f} ({Lt:.3f}),"
                          f"  Acc m&t: {best['Am']:.2f} {best['At']:.2f},  Remain: {remain},  Finish: 2025-01-02 10:00")
        for k, v in ep_loss.items():
            tb.append(event(t, ep + 1, f"AR_ep_loss/{k}", v))
        cur_ep = f"{ep + 1}/{ep_total}"
        if "1/" in cur_ep or not log:
            log = [json.dumps({"is_master": True, "name": spec.name, "cmd": f"--depth={spec.depth} --bs={spec.bs}",
                               "commit": "0" * 40, "branch": "main", "tb_log_dir_path": args["tb_log_dir_path"]},
                              indent=0) + "\n"]
        v = last_val or (None, None, None, None)
        d = {"it": f"{iters}/{iters}", "ep": cur_ep, "lr": tlr * (1 - (ep + 1) / ep_total), "wd": 0.05,
             "grad_norm": 0.5, "L_mean": Lm, "L_tail": Lt, "acc_mean": Am, "acc_tail": At, "vL_mean": v[0],
             "vL_tail": v[1], "vacc_mean": v[2], "vacc_tail": v[3], "remain_time": remain,
             "finish_time": "2025-01-02 10:00"}
        log.append(f"{d}\n")
    if spec.stop_epoch is None:
        pr(TRAIN_PY, 240, f"  [*] [PT finished]  Total cost: {ep_total * iters * sec_it / 3600:.1f}h,   "
                          f"Lm: {best['Lm']:.3f} ({Lm}),   Lt: {best['Lt']:.3f} ({Lt})")
        final = dict(args)
        if last_val:
            final.update(vL_mean=last_val[0], vL_tail=last_val[1], vacc_mean=last_val[2], vacc_tail=last_val[3])
        pr(TRAIN_PY, 248, f"final args:\n\n{fmt_args(final)}")

    os.makedirs(outdir, exist_ok=True)
    for name, chunks in (("stdout.txt", out), ("log.txt", log)):
        with open(os.path.join(outdir, name), "w", encoding="utf-8", newline="\n") as fp:
            fp.write("".join(chunks))
    tb_dir = os.path.join(outdir, tb_name)
    if os.path.isdir(tb_dir):
        shutil.rmtree(tb_dir)
    os.makedirs(tb_dir)
    fname = f"events.out.tfevents.{int(START)}.n193-022-074.{1000 + spec.seed}.0"
    with open(os.path.join(tb_dir, fname), "wb") as fp:
        fp.write(b"".join(tb))


# ----------------------------------------------------------------------------------------
# The two sets
# ----------------------------------------------------------------------------------------

def fixture_specs():
    """Six small runs: d16 (two seeds), d20, d24, an unfinished d30 and a diverged d16."""
    return [
        RunSpec("d16-seed0", depth=16, seed=0),
        RunSpec("d16-seed1", depth=16, seed=1),
        RunSpec("d20-seed0", depth=20, seed=0),
        RunSpec("d24-seed0", depth=24, seed=0),
        RunSpec("d30-seed0", depth=30, seed=0, stop_epoch=12),
        RunSpec("d16-lr1e-3-seed0", depth=16, seed=0, tblr=1e-3, diverge_epoch=17),
    ]


def bench_specs(n: int, epochs: int):
    """n VAR-d16-sized runs: depths, learning rates and seeds in a grid, 250 iterations an epoch."""
    specs = []
    depths, lrs = (16, 20, 24, 30), (5e-5, 1e-4, 2e-4, 4e-4)
    for i in range(n):
        d, lr, seed = depths[i % 4], lrs[(i // 4) % 4], i // 16
        specs.append(RunSpec(f"d{d}-lr{lr:g}-seed{seed}", depth=d, tblr=lr, seed=seed, epochs=epochs, iters=250))
    return specs


def measure(binary: str, workdir: str, n: int, epochs: int):
    """Times `varreport sweep` on the benchmark set: --jobs 2, --jobs 1, a re-run with nothing
    changed and a re-run after one run changed. Prints one JSON object."""
    import subprocess
    import time
    runs = os.path.join(workdir, "runs")
    if not os.path.isdir(runs) or len(os.listdir(runs)) != n:
        shutil.rmtree(runs, ignore_errors=True)
        t0 = time.time()
        for s in bench_specs(n, epochs):
            write_run(s, os.path.join(runs, s.name))
        print(f"generated {n} runs in {time.time() - t0:.1f} s", file=sys.stderr)

    def sweep(out, *extra):
        t0 = time.time()
        before = os.times()
        r = subprocess.run([binary, "sweep", runs, "-o", out, "-q", *extra])
        after = os.times()
        return {"wall_s": round(time.time() - t0, 2),
                "cpu_s": round(after.children_user + after.children_system - before.children_user - before.children_system, 2),
                "exit": r.returncode}

    result = {"runs": n, "epochs": epochs, "cores": os.cpu_count(), "load_before": os.getloadavg()[0]}
    for jobs in (2, 1):
        out = os.path.join(workdir, f"out-j{jobs}")
        shutil.rmtree(out, ignore_errors=True)
        result[f"jobs{jobs}"] = sweep(out, "--jobs", str(jobs))
    out = os.path.join(workdir, "out-j2")
    result["rerun_unchanged"] = sweep(out, "--jobs", "2")
    main(["touch", os.path.join(runs, bench_specs(n, epochs)[n // 2].name)])
    result["rerun_one_changed"] = sweep(out, "--jobs", "2")
    result["speedup_1_to_2"] = round(result["jobs1"]["wall_s"] / max(result["jobs2"]["wall_s"], 1e-9), 2)
    result["load_after"] = os.getloadavg()[0]
    print(json.dumps(result, indent=1))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("fixture", help="the committed 6-run test fixture")
    f.add_argument("outdir")
    b = sub.add_parser("bench", help="the benchmark set")
    b.add_argument("outdir")
    b.add_argument("-n", type=int, default=100)
    b.add_argument("--epochs", type=int, default=200)
    t = sub.add_parser("touch", help="change one run: append a blank line to its log.txt")
    t.add_argument("rundir")
    m = sub.add_parser("measure", help="generate the benchmark set and time varreport sweep on it")
    m.add_argument("--binary", default=".build/release/varreport")
    m.add_argument("--dir", default="/tmp/varreport-bench")
    m.add_argument("-n", type=int, default=100)
    m.add_argument("--epochs", type=int, default=200)
    a = ap.parse_args(argv)
    if a.cmd == "measure":
        measure(os.path.abspath(a.binary), a.dir, a.n, a.epochs)
        return
    if a.cmd == "touch":
        with open(os.path.join(a.rundir, "log.txt"), "a", encoding="utf-8") as fp:
            fp.write("\n")
        return
    specs = fixture_specs() if a.cmd == "fixture" else bench_specs(a.n, a.epochs)
    if os.path.isdir(a.outdir):
        for s in specs:
            shutil.rmtree(os.path.join(a.outdir, s.name), ignore_errors=True)
    for s in specs:
        write_run(s, os.path.join(a.outdir, s.name))
    print(f"wrote {len(specs)} runs to {a.outdir}")


if __name__ == "__main__":
    main()

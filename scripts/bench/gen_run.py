#!/usr/bin/env python3
"""gen_run.py OUTDIR [--epochs 200] [--iters 1669] [--depth 16] [--seed 0] [--stop-epoch E]

Writes one synthetic VAR run folder of real size (VAR-d16 on ImageNet: 200 epochs of 1669
iterations, 768 images a step) in VAR's `local_output/` layout, for the benchmarks:
  stdout.txt   preamble, 5 iteration lines per epoch, epoch summaries, validation lines every
               10 epochs, `final args:` and `[PT finished]` (see varlog_format.py)
  log.txt      what VAR leaves in it: header + the epochs since the last `ep` string holding '1/'
  tb-VARd16__pn.../events.out.tfevents.*   VAR's tags at VAR's steps: per epoch (step ep+1)
               AR_ep_loss/*, validation AR_ep_loss/v* at validation epochs, AR_z_burnout/rest_hours;
               per iteration at global step 0 and every 500th: lr/wd min/max, fp16 scale, grad
               norm and clip, z_voc_usage, per-scale L_{reso}/acc_{reso} (written with tensorboardX)
--stop-epoch E leaves the run unfinished after epoch E (no final args). --no-tb skips the event
file (no tensorboardX needed).
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import varlog_format as vf  # noqa: E402


def write_events(outdir, depth, epochs, iters, ev, seed, last_epoch, floor_shift=0.0):
    from tensorboardX import SummaryWriter

    tbdir = os.path.join(outdir, vf.tb_dir_name(depth, epochs))
    os.makedirs(tbdir, exist_ok=True)
    rng = np.random.default_rng(seed + 11)
    w = SummaryWriter(logdir=tbdir, max_queue=5000, flush_secs=120)
    add = w.add_scalar
    wall0 = vf.Clock().t0 + 120.0
    spi = 0.29
    total_it = (last_epoch + 1) * iters
    steps = [0] + list(range(499, total_it, 500))
    names = [str(r) for r in vf.RESOS]
    wsc = np.log(np.array(vf.PATCH_NUMS, dtype=float)) / np.log(16.0)
    ep_logged = 0
    for g in steps:
        ep = g // iters
        # epoch-level tags of the epochs finished before this iteration, in order
        while ep_logged < ep:
            _epoch_tags(add, ep_logged, epochs, ev, wall0 + ep_logged * iters * spi)
            ep_logged += 1
        t = g / float(epochs * iters)
        _, lt, _, at = vf.curves(np.array([t]), floor_shift)
        wall = wall0 + g * spi
        lr = float(vf.lr_at(t))
        add("AR_opt_lr/lr_min/sche_tlr", lr, g, walltime=wall)
        add("AR_opt_lr/lr_max/sche_tlr", lr, g, walltime=wall)
        add("AR_opt_wd/wd_min/sche_twd", 0.05, g, walltime=wall)
        add("AR_opt_wd/wd_max/sche_twd", 0.05, g, walltime=wall)
        add("AR_opt_grad/fp16/scale_log2", 14.0, g, walltime=wall)
        gn = float(np.clip(0.4 + 0.5 * (1 + 60 * t) ** -0.5 + rng.normal(0, 0.08), 0.1, None))
        add("AR_opt_grad/grad/grad_norm", gn, g, walltime=wall)
        add("AR_opt_grad/grad/grad_clip", 2.0, g, walltime=wall)
        usage = float(60 + 30 * (1 - (1 + 60 * t) ** -0.8))
        if g == 0:
            add("AR_iter_loss/z_voc_usage", usage, -10000, walltime=wall)
            add("AR_iter_loss/z_voc_usage", usage, -1000, walltime=wall)
        add("AR_iter_loss/z_voc_usage", usage, g, walltime=wall)
        L = lt[0] + 2.0 * (1.0 - wsc) + rng.normal(0, 0.05, 10)
        A = np.clip(at[0] * (0.3 + 0.7 * wsc) + rng.normal(0, 0.1, 10), 0, None)
        for k, nm in enumerate(names):
            add(f"AR_iter_loss/L_{nm}", float(L[k]), g, walltime=wall)
            add(f"AR_iter_loss/acc_{nm}", float(A[k]), g, walltime=wall)
    while ep_logged <= last_epoch:
        _epoch_tags(add, ep_logged, epochs, ev, wall0 + ep_logged * iters * spi)
        ep_logged += 1
    w.close()


def _epoch_tags(add, ep, epochs, ev, wall):
    step = ep + 1
    add("AR_ep_loss/L_mean", float(ev["Lm"][ep]), step, walltime=wall)
    add("AR_ep_loss/L_tail", float(ev["Lt"][ep]), step, walltime=wall)
    add("AR_ep_loss/acc_mean", float(ev["Accm"][ep]), step, walltime=wall)
    add("AR_ep_loss/acc_tail", float(ev["Acct"][ep]), step, walltime=wall)
    if vf.is_val_epoch(ep, epochs):
        for k, v in vf.val_values(ev, ep, epochs).items():
            add(f"AR_ep_loss/{k}", v, step, walltime=wall)
    add("AR_z_burnout/rest_hours", float((epochs - 1 - ep) * 0.14), step, walltime=wall)


def write_run(outdir, epochs=200, iters=1669, depth=16, seed=0, stop_epoch=None, tb=True, floor_shift=0.0):
    os.makedirs(outdir, exist_ok=True)
    clock = vf.Clock()
    last = epochs - 1 if stop_epoch is None else min(stop_epoch, epochs - 1)
    w = vf.StdoutWriter(None, clock, epochs, iters, seed, floor_shift=floor_shift)
    with open(os.path.join(outdir, "stdout.txt"), "w", encoding="ascii", newline="\n") as f:
        f.write(vf.preamble(clock, depth, epochs, iters))
        f.write("".join(w.epoch(e) for e in range(last + 1)))
        if last == epochs - 1:
            f.write(w.final(depth))
    with open(os.path.join(outdir, "stderr.txt"), "w") as f:
        f.write("")
    with open(os.path.join(outdir, "log.txt"), "w", encoding="ascii", newline="\n") as f:
        f.write(vf.logtxt(clock, depth, w.ev, epochs, iters, last_epoch=last))
    if tb:
        write_events(outdir, depth, epochs, iters, w.ev, seed, last, floor_shift)


def main(argv=None):
    ap = argparse.ArgumentParser(description="write a real-sized synthetic VAR run folder")
    ap.add_argument("outdir")
    ap.add_argument("--epochs", type=int, default=200)
    ap.add_argument("--iters", type=int, default=1669)
    ap.add_argument("--depth", type=int, default=16)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--stop-epoch", type=int, default=None)
    ap.add_argument("--no-tb", action="store_true")
    a = ap.parse_args(argv)
    write_run(a.outdir, a.epochs, a.iters, a.depth, a.seed, a.stop_epoch, not a.no_tb)
    sizes = []
    for root, _, files in os.walk(a.outdir):
        for fn in files:
            p = os.path.join(root, fn)
            sizes.append(f"{os.path.relpath(p, a.outdir)} {os.path.getsize(p)} bytes")
    print(f"wrote {a.outdir}: " + "; ".join(sorted(sizes)), file=sys.stderr)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""gen_sweep.py N OUTDIR [--epochs 200] [--iters 1669]

Writes N VAR-d16-sized run folders OUTDIR/run-000 ... for the sweep benchmark, each like
gen_run.py's (stdout.txt, log.txt, TensorBoard event file), with depths cycling over
12, 16, 20, 24, 30 (so `[INIT][#para] VAR=` spans 0.13 to 2.0 B parameters and the final loss
falls with size, as a scaling-law sweep would), a seed per run, and every 10th run stopped
early (unfinished). Event files are written once per depth with tensorboardX and copied (the
stdout.txt and log.txt of every run are its own): 100 real-sized runs take about a minute.
"""
import argparse
import glob
import math
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_run  # noqa: E402
import varlog_format as vf  # noqa: E402

DEPTHS = (12, 16, 20, 24, 30)


def floor_shift(depth):
    """Bigger models end lower: a power law in the parameter count around VAR-d16."""
    return -0.12 * math.log(vf.params_millions(depth) / vf.params_millions(16))


def main(argv=None):
    ap = argparse.ArgumentParser(description="write N real-sized VAR run folders for a sweep")
    ap.add_argument("n", type=int)
    ap.add_argument("outdir")
    ap.add_argument("--epochs", type=int, default=200)
    ap.add_argument("--iters", type=int, default=1669)
    a = ap.parse_args(argv)

    os.makedirs(a.outdir, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gen_sweep_") as tmp:
        tb = {}
        for d in DEPTHS:
            src = os.path.join(tmp, f"d{d}")
            gen_run.write_run(src, a.epochs, a.iters, d, seed=1000 + d, floor_shift=floor_shift(d))
            tb[d] = glob.glob(os.path.join(src, "tb-*"))[0]
        for i in range(a.n):
            d = DEPTHS[i % len(DEPTHS)]
            out = os.path.join(a.outdir, f"run-{i:03d}")
            stop = None if i % 10 != 9 else a.epochs // 2 + i % 7
            gen_run.write_run(out, a.epochs, a.iters, d, seed=i, stop_epoch=stop, tb=False,
                              floor_shift=floor_shift(d))
            if stop is None:  # an unfinished run's event file would hold later epochs: leave it out
                shutil.copytree(tb[d], os.path.join(out, os.path.basename(tb[d])), dirs_exist_ok=True)
    print(f"wrote {a.n} runs in {a.outdir}", file=sys.stderr)


if __name__ == "__main__":
    main()

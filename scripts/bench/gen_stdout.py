#!/usr/bin/env python3
"""gen_stdout.py SIZE_MB OUT [--iters 1669] [--depth 16] [--seed 0] [--launches K]

Writes a synthetic VAR (FoundationVision/VAR) stdout.txt of about SIZE_MB megabytes (10^6 bytes)
for the reader benchmark: VAR's preamble (initial args, [dataloader] iters_train, [INIT][#para]),
then as many epochs as it takes to reach the size, each with VAR's iteration lines (5 per epoch,
30 above 8000 iterations), the `Total time` line, the ` [*] [epN]  (val 50000)` line every 10
epochs and the `[epN]  (training )` summary, then `final args:` and `[PT finished]`.

With --launches K the file holds the same run K times, each relaunch from epoch 0 after VAR's
RESTART banner (a run restarted without a checkpoint): K times the bytes for the same series
kept, which is how the benchmark tests that memory follows the series and not the file size.

Fast by construction (a 1 GB file in well under a minute): lines are assembled from a pool of
pre-formatted value tails chosen by run fraction, so the curves still fall over the file; epoch
numbers and timestamps change on every line. Prints the size and the counts on stderr.
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from varlog_format import Clock, StdoutWriter, preamble, restart_banner  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description="write a synthetic VAR stdout.txt of a given size")
    ap.add_argument("size_mb", type=float, help="target size in MB (10^6 bytes)")
    ap.add_argument("out")
    ap.add_argument("--iters", type=int, default=1669, help="iterations per epoch (iters_train)")
    ap.add_argument("--depth", type=int, default=16)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--launches", type=int, default=1,
                    help="write the run this many times, each relaunch from epoch 0 after VAR's RESTART "
                         "banner (each launch gets SIZE_MB / LAUNCHES; the last one finishes)")
    a = ap.parse_args(argv)

    t_start = time.perf_counter()
    target = int(a.size_mb * 1e6 / max(1, a.launches))
    clock = Clock()
    # Measure one epoch to choose the epoch count, so `[ep]: [ e/E]` is consistent throughout.
    probe = StdoutWriter(None, clock, 100000, a.iters, a.seed, pool=64)
    per_epoch = sum(len(probe.epoch(e)) for e in range(10)) / 10.0
    head = preamble(clock, a.depth, 1000, a.iters)
    epochs = max(1, int((target - len(head) - 4000) / per_epoch))

    os.makedirs(os.path.dirname(os.path.abspath(a.out)) or ".", exist_ok=True)
    w = StdoutWriter(None, clock, epochs, a.iters, a.seed)
    tmp = a.out + ".tmp"
    with open(tmp, "w", encoding="ascii", newline="\n", buffering=1 << 22) as f:
        for launch in range(max(1, a.launches)):
            if launch:
                w.t += 3600  # an hour down between launches
                f.write(restart_banner(clock, w.t))
                w.t += 120
            f.write(preamble(clock, a.depth, epochs, a.iters, t0=w.t - 120))
            chunk = []
            for e in range(epochs):
                chunk.append(w.epoch(e))
                if len(chunk) >= 2000:
                    f.write("".join(chunk))
                    chunk.clear()
            f.write("".join(chunk))
        f.write(w.final(a.depth))
    os.replace(tmp, a.out)
    size = os.path.getsize(a.out)
    print(f"wrote {a.out}: {size} bytes, {max(1, a.launches)} launch(es) of {epochs} epochs x {len(w.its)} iteration lines "
          f"(iters_train={a.iters}) in {time.perf_counter() - t_start:.1f}s", file=sys.stderr)


if __name__ == "__main__":
    main()

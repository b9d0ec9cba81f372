#!/usr/bin/env python3
"""A run with very many metrics: a CSV of N metric columns and 3 rows (a wide export, a log of
per-layer statistics). The analysis must cost about linear time in the number of series.

    gen_wide.py N OUT_DIR
"""
import os
import sys


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "metrics.csv"), "w") as f:
        f.write("step," + ",".join(f"layer{i}/grad_norm" for i in range(n)) + "\n")
        for step in range(3):
            f.write(f"{step}," + ",".join(f"{1.0 + (i % 97) * 0.01 + step * 0.1:.3f}" for i in range(n)) + "\n")


if __name__ == "__main__":
    main()

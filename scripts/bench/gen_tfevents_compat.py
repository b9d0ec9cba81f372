#!/usr/bin/env python3
"""gen_tfevents_compat.py N OUTDIR [options of gen_tfevents.py]

Runs the anchors' event-file generator, shared/bench/gen_tfevents.py, unchanged, after giving the
series of gen_series.py the short names it looks up (`Lm`, `Lt`, `Accm`, `Acct`, `vLm`, ...):
gen_series.py returns VAR's log.txt names (`L_mean`, ...) and the generator, as shipped, stops
with KeyError 'Lm'. The values, and so the file, are the ones the generator means to write.
Set BENCH_ANCHOR_DIR to use another copy of the anchors (default /work/shared/bench).
"""
import os
import sys

ANCHORS = os.environ.get("BENCH_ANCHOR_DIR", "/work/shared/bench")
sys.path.insert(0, ANCHORS)

import gen_tfevents  # noqa: E402

ALIASES = {"L_mean": "Lm", "L_tail": "Lt", "acc_mean": "Accm", "acc_tail": "Acct",
           "vL_mean": "vLm", "vL_tail": "vLt", "vacc_mean": "vAccm", "vacc_tail": "vAcct"}


def _aliased(fn):
    def wrapper(*args, **kwargs):
        d = fn(*args, **kwargs)
        for long, short in ALIASES.items():
            if long in d and short not in d:
                d[short] = d[long]
        return d
    return wrapper


gen_tfevents.make_series = _aliased(gen_tfevents.make_series)
gen_tfevents.make_val = _aliased(gen_tfevents.make_val)

if __name__ == "__main__":
    gen_tfevents.main()

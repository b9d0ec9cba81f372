"""Shared text builders for the benchmark generators: VAR's stdout.txt and log.txt formats.

Only the standard library and numpy. The formats follow FoundationVision/VAR (train.py,
utils/misc.py, utils/arg_util.py) as described in shared/VAR-LOGS.md and as the committed
example `Examples/var-d16/stdout.txt` shows them. The numbers are synthetic: curves shaped like
a VAR-d16 ImageNet run (start at ln 4096 = 8.318, L_tail crosses 5.5 part-way through).

Speed matters more than variety here (a 1 GB file must take seconds, not minutes), so every
line is assembled from pre-formatted pieces: a pool of value "tails" indexed by the run
fraction, timestamp strings from day and second-of-day tables, and the epoch/iteration counters.
"""
from __future__ import annotations

import datetime as _dt
import math

import numpy as np

UNIFORM = math.log(4096.0)          # 8.318
PATCH_NUMS = (1, 2, 3, 4, 5, 6, 8, 10, 13, 16)
RESOS = tuple(16 * p for p in PATCH_NUMS)
PN = "1_2_3_4_5_6_8_10_13_16"
START = _dt.datetime(2024, 5, 2, 9, 14, 3)


def params_millions(depth: int) -> float:
    """VAR's parameter count in millions (d16 = 310.28; d20/d24/d30 ~ 0.6/1.0/2.0 B)."""
    return round(310.28 * (depth / 16.0) ** 3, 2)


# ---------------------------------------------------------------------------------------------
# Curves (fraction t of the run in [0, 1])
# ---------------------------------------------------------------------------------------------
def curves(t, floor_shift=0.0):
    """Noise-free Lm, Lt, Accm, Acct at run fraction t (numpy array)."""
    dm = (1.0 + 60.0 * t) ** -0.7
    dt = (1.0 + 60.0 * t) ** -0.8
    lm = 5.95 + floor_shift + (UNIFORM - 5.95 - floor_shift) * dm
    lt = 5.30 + floor_shift + (UNIFORM - 5.30 - floor_shift) * dt
    return lm, lt, 4.6 * (1.0 - dm), 7.2 * (1.0 - dt)


def lr_at(t, tlr=3e-4, wp_frac=0.02):
    t = np.asarray(t, dtype=np.float64)
    warm = tlr * (0.005 + 0.995 * t / wp_frac)
    dec = tlr * (1.0 - 0.99 * np.clip((t - wp_frac) / (1.0 - wp_frac), 0.0, 1.0))
    return np.where(t < wp_frac, warm, dec)


def fmt_g2(x: float) -> str:
    """VAR prints tlr with `{:.2g}`-like precision (1.5e-06, 9.5e-05, 0.0003)."""
    return f"{x:.2g}"


def hms(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600}:{(s // 60) % 60:02d}:{s % 60:02d}"


# ---------------------------------------------------------------------------------------------
# Timestamps: "[MM-DD HH:MM:SS]" without the year, from lookup tables
# ---------------------------------------------------------------------------------------------
class Clock:
    def __init__(self, start: _dt.datetime = START):
        self.start = start
        self.t0 = int(start.timestamp())
        base = _dt.datetime(start.year, 1, 1)
        self.days = [(base + _dt.timedelta(days=d)).strftime("%m-%d") for d in range(366 * 3)]
        self.secs = [f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)]
        self.day0 = (start - base).days
        self.sec0 = start.hour * 3600 + start.minute * 60 + start.second

    def stamp(self, offset_s: int) -> str:
        tot = self.sec0 + int(offset_s)
        day = (self.day0 + tot // 86400) % len(self.days)
        return f"[{self.days[day]} {self.secs[tot % 86400]}]"

    def date(self, offset_s: int, fmt="%Y-%m-%d %H:%M") -> str:
        return (self.start + _dt.timedelta(seconds=int(offset_s))).strftime(fmt)


MISC = " (er/run/VAR/utils/misc.py, line 314)=> "
MISC_END = " (er/run/VAR/utils/misc.py, line 336)=> "
TRAIN = " (t/tiger/run/VAR/train.py, line 233)=> "
TRAIN_VAL = " (t/tiger/run/VAR/train.py, line 223)=> "


def config_block(depth, ep, iters, bs=768, tblr=1e-4, final=None):
    """The `name : value` block of `initial args:` / `final args:` (arg_util.Args.__str__)."""
    tlr = tblr * bs / 256
    tb = f"tb-VARd{depth}__pn{PN}__b{bs}ep{ep}adamlr{tblr:g}wd0.05"
    kv = [
        ("data_path", "/mnt/bn/var-data/imagenet"), ("exp_name", "text"), ("vfast", 0), ("tfast", 0),
        ("depth", depth), ("ini", -1), ("hd", 0.02), ("aln", 0.5), ("alng", 0.001), ("fp16", 1),
        ("tblr", tblr), ("tlr", tlr), ("twd", 0.05), ("twde", 0.05), ("tclip", 2.0), ("ls", 0.0),
        ("bs", bs), ("batch_size", bs // 16), ("glb_batch_size", bs), ("ac", 1), ("ep", ep),
        ("wp", ep / 50), ("wp0", 0.005), ("wpe", 0.01), ("sche", "lin0"), ("opt", "adamw"),
        ("afuse", True), ("saln", False), ("anorm", True), ("fuse", True), ("pn", PN),
        ("patch_size", 16), ("patch_nums", PATCH_NUMS), ("resos", RESOS), ("data_load_reso", 256),
        ("mid_reso", 1.125), ("hflip", False), ("workers", 0), ("pg", 0.0), ("pg0", 4),
        ("pgwp", 0.6666666666666666),
        ("cmd", f"--depth={depth} --bs={bs} --ep={ep} --fp16=1 --alng=1e-3 --data_path=/mnt/bn/var-data/imagenet"),
        ("branch", "main"), ("commit_id", "5d9c8e4b1f0a7c3e2b6d9f8a1c4e7b0d3f6a9c2e"),
        ("commit_msg", "[upd] third-party usage and research"),
    ]
    last = final or {}
    for k in ("acc_mean", "acc_tail", "L_mean", "L_tail", "vacc_mean", "vacc_tail", "vL_mean",
              "vL_tail", "grad_norm", "cur_lr", "cur_wd"):
        kv.append((k, last.get(k)))
    for k in ("cur_it", "cur_ep", "remain_time", "finish_time"):
        kv.append((k, last.get(k, "")))
    kv += [("local_out_dir_path", "/opt/tiger/run/VAR/local_output"),
           ("tb_log_dir_path", f"/opt/tiger/run/VAR/local_output/{tb}"),
           ("log_txt_path", "/opt/tiger/run/VAR/local_output/log.txt"),
           ("last_ckpt_path", "/opt/tiger/run/VAR/local_output/ar-ckpt-last.pth"),
           ("tf32", True), ("seed", None), ("same_seed_for_all_ranks", 0), ("local_debug", False),
           ("dbg_nan", False)]
    return "{\n" + "".join(f"  {k:<20}: {v}\n" for k, v in kv) + "}\n"


def tb_dir_name(depth, ep, bs=768, tblr=1e-4):
    return f"tb-VARd{depth}__pn{PN}__b{bs}ep{ep}adamlr{tblr:g}wd0.05"


def preamble(clock, depth, ep, iters, bs=768, t0=0):
    """What VAR prints before training (t0: seconds since START at the launch)."""
    p = params_millions(depth)
    ts = clock.stamp(t0)
    lines = [
        f"{ts} (un/VAR/utils/arg_util.py, line 173)=> [tf32] [precis] torch.get_float32_matmul_precision(): high",
        f"{ts} (t/tiger/run/VAR/train.py, line  36)=> global bs={bs}, local bs={bs // 16}",
        f"{ts} (t/tiger/run/VAR/train.py, line  37)=> initial args:",
        config_block(depth, ep, iters, bs),
        f"{ts} (t/tiger/run/VAR/train.py, line  41)=> [build PT data] ...",
        "",
        f"{clock.stamp(t0 + 60)} (er/run/VAR/utils/data.py, line  34)=> [Dataset] len(train_set)={iters * bs}, len(val_set)=50000, num_classes=1000",
        f"{clock.stamp(t0 + 100)} (t/tiger/run/VAR/train.py, line  71)=> [dataloader] gbs={bs}, lbs={bs // 16}, iters_train={iters}, types(tr, va)=('DatasetFolder', 'DatasetFolder')",
        f"{clock.stamp(t0 + 110)} (t/tiger/run/VAR/train.py, line 106)=> [INIT][#para] VAE=108.95, VAE.enc=44.11, VAE.dec=64.49, VAE.quant=0.34",
        f"{clock.stamp(t0 + 110)} (t/tiger/run/VAR/train.py, line 107)=> [INIT][#para] VAR={p:.2f}",
        "",
        "",
    ]
    return "\n".join(lines) + "\n"


def restart_banner(clock, t):
    """What VAR appends to stdout.txt at a relaunch: 7 blank lines and the RESTART line."""
    return "\n" * 7 + "=" * 55 + f"   RESTART {clock.stamp(t)}   " + "=" * 55 + "\n"


def print_iters(iters: int):
    """The iterations VAR's MetricLogger prints: 5 per epoch, 30 above 8000 iterations."""
    k = 30 if iters > 8000 else 5
    return sorted(set(np.linspace(0, iters - 1, k, dtype=int).tolist()))


def iter_tails(n_pool: int, seed: int, floor_shift=0.0):
    """n_pool pre-formatted iteration-line tails (`tlr: ...  data: ...`), ordered by run fraction."""
    rng = np.random.default_rng(seed)
    t = np.linspace(0.0, 1.0, n_pool)
    lm, lt, am, at = curves(t, floor_shift)
    med = lambda a, s: a + rng.normal(0.0, s, n_pool)  # noqa: E731
    lmm, ltm, amm, atm = med(lm, 0.03), med(lt, 0.05), np.clip(med(am, 0.08), 0, None), np.clip(med(at, 0.15), 0, None)
    lma, lta, ama, ata = med(lm, 0.01), med(lt, 0.02), np.clip(med(am, 0.03), 0, None), np.clip(med(at, 0.05), 0, None)
    lr = lr_at(t)
    tnm = np.clip(0.4 + 0.5 * (1 + 60 * t) ** -0.5 + rng.normal(0, 0.08, n_pool), 0.1, None)
    tm = 0.28 + rng.gamma(2.0, 0.005, n_pool)
    dt = rng.gamma(2.0, 0.0004, n_pool)
    return [f"tlr: {fmt_g2(lr[i])}  tnm: {tnm[i]:.2f}  Lm: {lmm[i]:.3f} ({lma[i]:.3f})  Lt: {ltm[i]:.3f} ({lta[i]:.3f})  "
            f"Accm: {amm[i]:.2f} ({ama[i]:.2f})  Acct: {atm[i]:.2f} ({ata[i]:.2f})  time: {tm[i]:.4f}  data: {dt[i]:.4f}\n"
            for i in range(n_pool)]


def epoch_values(epochs: int, seed: int, floor_shift=0.0):
    """Per-epoch averages (Lm, Lt, Accm, Acct), grad norm and lr, as numpy arrays."""
    rng = np.random.default_rng(seed + 7)
    t = (np.arange(epochs) + 0.5) / epochs
    lm, lt, am, at = curves(t, floor_shift)
    return {
        "Lm": lm + rng.normal(0, 0.004, epochs), "Lt": lt + rng.normal(0, 0.008, epochs),
        "Accm": am + rng.normal(0, 0.02, epochs), "Acct": at + rng.normal(0, 0.04, epochs),
        "gn": 0.4 + 0.5 * (1 + 60 * t) ** -0.5 + rng.normal(0, 0.03, epochs),
        "lr": lr_at((np.arange(epochs) + 1.0) / epochs),
    }


def val_values(ev, epoch: int, epochs: int):
    """Validation result at a validation epoch: the epoch curve plus a gap that widens late."""
    over = max(0.0, epoch / epochs - 0.7)
    return {"vL_mean": float(ev["Lm"][epoch] + 0.07 + 0.25 * over),
            "vL_tail": float(ev["Lt"][epoch] + 0.09 + 0.35 * over),
            "vacc_mean": float(ev["Accm"][epoch] - 0.2 - over),
            "vacc_tail": float(ev["Acct"][epoch] - 0.35 - 1.5 * over)}


def is_val_epoch(ep: int, epochs: int) -> bool:
    return (ep + 1) % 10 == 0 or ep == epochs - 1


class StdoutWriter:
    """Writes epochs of VAR stdout, fast: every number that needs formatting is formatted once
    per pool entry (pool = the epoch count up to 20,000 epochs, so small runs are exact), and an
    epoch costs a few string concatenations (epoch number, timestamps, remaining time)."""

    def __init__(self, f, clock: Clock, epochs: int, iters: int, seed: int = 0, pool: int = 20000,
                 sec_per_it: float = 0.29, floor_shift: float = 0.0):
        self.clock, self.E, self.iters = clock, epochs, iters
        self.its = print_iters(iters)
        nk = len(self.its)
        self.P = P = max(1, min(epochs, pool))
        self.tails = iter_tails(P * nk, seed, floor_shift)
        self.ev = ev = epoch_values(P, seed, floor_shift)
        self.spi = sec_per_it
        self.ep_secs = int(iters * sec_per_it) + 2
        self.t = 120  # seconds since START
        w = len(str(iters))
        self.itstr = [f"[{i:{w}d}/{iters}]  eta: {hms((iters - i) * sec_per_it)}  " for i in self.its]
        self.off = [int(i * sec_per_it) for i in self.its]
        self.wE = max(4, len(str(epochs)))
        bl, bt = np.minimum.accumulate(ev["Lm"]), np.minimum.accumulate(ev["Lt"])
        ba, bb = np.maximum.accumulate(ev["Accm"]), np.maximum.accumulate(ev["Acct"])
        self.summ = [f"Lm: {bl[i]:.3f} ({ev['Lm'][i]:.3f}), Lt: {bt[i]:.3f} ({ev['Lt'][i]:.3f}),  "
                     f"Acc m&t: {ba[i]:.2f} {bb[i]:.2f},  Remain: " for i in range(P)]
        self.vals = [f"Lm: {ev['Lm'][i]:.4f}, Lt: {ev['Lt'][i]:.4f}, Acc m&t: {ba[i]:.2f} {bb[i]:.2f},  "
                     f"Val cost: 51.15s\n" for i in range(P)]
        self.total = f"Total time:      {hms(iters * sec_per_it)}   ({sec_per_it:.3f} s / it)\n"
        self.finish = f",  Finish: {clock.date(self.t + epochs * self.ep_secs)}\n"
        self.D, self.S = clock.days, clock.secs
        self.nd = len(clock.days)

    def _stamp(self, off):
        tot = self.clock.sec0 + off
        return "[" + self.D[(self.clock.day0 + tot // 86400) % self.nd] + " " + self.S[tot % 86400] + "]"

    def epoch(self, e: int) -> str:
        """One epoch's text: the iteration lines, Total time, validation every 10 epochs, [ep] summary."""
        E, P = self.E, self.P
        p = e * P // E
        nk = len(self.its)
        st = self._stamp
        t0 = self.t
        epn = f"[{e:{self.wE}d}/{E}]"
        head = MISC + "[Ep]: " + epn + "  "
        tails, itstr, off = self.tails, self.itstr, self.off
        out = [st(t0 + off[k]) + head + itstr[k] + tails[p * nk + k] for k in range(nk)]
        t1 = t0 + int(self.iters * self.spi)
        ts = st(t1)
        out.append(ts + MISC_END + "[Ep]: " + epn + "   " + self.total)
        if (e + 1) % 10 == 0 or e == E - 1:
            out.append(ts + TRAIN_VAL + " [*] [ep" + str(e) + "]  (val 50000)  " + self.vals[p])
        out.append(ts + TRAIN + "     [ep" + str(e) + "]  (training )  " + self.summ[p]
                   + hms((E - 1 - e) * self.ep_secs) + self.finish)
        self.t = t1 + 2
        return "".join(out)

    def final(self, depth: int, bs: int = 768) -> str:
        """`final args:` (with the last validation) and the `[PT finished]` line."""
        E, last = self.E, self.P - 1
        ev = self.ev
        v = val_values(ev, last, self.P)
        fin = {"acc_mean": round(float(ev["Accm"][last]), 4), "acc_tail": round(float(ev["Acct"][last]), 4),
               "L_mean": float(ev["Lm"][last]), "L_tail": float(ev["Lt"][last]),
               "grad_norm": float(ev["gn"][last]), "cur_lr": float(ev["lr"][last]), "cur_wd": 0.05,
               "cur_it": f"{self.iters}/{self.iters}", "cur_ep": f"{E}/{E}", "remain_time": "-",
               "finish_time": self.clock.date(self.t)}
        fin.update(v)
        ts = self._stamp(self.t)
        return (f"{ts} (t/tiger/run/VAR/train.py, line 248)=> final args:\n\n"
                + config_block(depth, E, self.iters, bs, final=fin) + "\n"
                + f"{ts} (t/tiger/run/VAR/train.py, line 239)=> \n\n\n"
                + f"{ts} (t/tiger/run/VAR/train.py, line 240)=>   [*] [PT finished]  Total cost: {self.t / 3600:.1f}h,   "
                  f"Lm: 999.000 (-1),   Lt: 999.000 (-1)\n"
                + f"{ts} (t/tiger/run/VAR/train.py, line 241)=> \n\n")


def logtxt(clock: Clock, depth: int, ev, epochs: int, iters: int, bs: int = 768, last_epoch=None) -> str:
    """VAR's log.txt after the run: it restarts the file at every `ep` string holding '1/', so only
    the epochs from the last such one are left (header, then one dict line per epoch; the final
    epoch's line is written twice, the second time with remain_time '-')."""
    last = epochs - 1 if last_epoch is None else last_epoch
    start = 0
    for e in range(last + 1):
        if "1/" in f"{e + 1}/{epochs}":
            start = e
    tb = tb_dir_name(depth, epochs, bs)
    head = ("{\n" + f'"is_master": true,\n"name": "text",\n"cmd": "--depth={depth} --bs={bs} --ep={epochs} --fp16=1 --alng=1e-3 '
            f'--data_path=/mnt/bn/var-data/imagenet",\n"commit": "5d9c8e4b1f0a7c3e2b6d9f8a1c4e7b0d3f6a9c2e",\n'
            f'"branch": "main",\n"tb_log_dir_path": "/opt/tiger/run/VAR/local_output/{tb}"\n' + "}\n")
    lines = [head]
    v = {k: None for k in ("vL_mean", "vL_tail", "vacc_mean", "vacc_tail")}
    for e in range(0, last + 1):
        if is_val_epoch(e, epochs):
            v = val_values(ev, e, epochs)
        if e < start:
            continue
        remain = (epochs - 1 - e) * 500
        d = {"it": f"{iters}/{iters}", "ep": f"{e + 1}/{epochs}", "lr": float(ev["lr"][e]), "wd": 0.05,
             "grad_norm": float(ev["gn"][e]), "L_mean": float(ev["Lm"][e]), "L_tail": float(ev["Lt"][e]),
             "acc_mean": float(ev["Accm"][e]), "acc_tail": float(ev["Acct"][e]), **v,
             "remain_time": hms(remain), "finish_time": clock.date(0)}
        lines.append(repr(d) + "\n")
        if e == epochs - 1:
            d["remain_time"] = "-"
            lines.append(repr(d) + "\n")
    return "".join(lines)

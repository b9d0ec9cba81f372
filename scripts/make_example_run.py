#!/usr/bin/env python3
"""Write a synthetic, deterministic VAR-d16 training run in VAR's real output layout.

    python3 scripts/make_example_run.py OUTDIR [--seed S] [--answers FILE] [--no-relaunch]

OUTDIR receives what FoundationVision/VAR leaves in `local_output/` (checkpoints excepted):
`stdout.txt`, `stderr.txt`, `log.txt` and the `tb-VARd16__pn.../` TensorBoard folder.  The
numbers are simulated, not trained: curves shaped like a real VAR-d16 ImageNet run, printed
with VAR's own formats (train.py, utils/misc.py, utils/arg_util.py) and VAR's own quirks.
The true answers (crossings, validation minimum, restart epochs, counts) are printed as JSON
at the end and, with --answers, written to a file.

Needs numpy and tensorboardX.  Same seed, same bytes: every wall time comes from a fixed
start date plus seeded durations, and the host name and pids are fixed.
"""

from __future__ import annotations

import argparse
import ast
import json
import math
import os
import sys
from collections import OrderedDict, deque
from pprint import pformat

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import varsim  # noqa: E402
from varsim import UNIFORM_LOSS, prefix, time_str, timedelta_str  # noqa: E402

# ----------------------------------------------------------------------------------------
# The run being simulated
# ----------------------------------------------------------------------------------------
DEPTH, EPOCHS, BS, WORLD = 16, 200, 768, 16
LBS = BS // WORLD
ITERS = 250                      # 192,000 training images / 768 (a subset: keeps files small)
MAX_IT = EPOCHS * ITERS
PN = "1_2_3_4_5_6_8_10_13_16"
PATCH_NUMS = tuple(int(p) for p in PN.split("_"))
RESOS = tuple(16 * p for p in PATCH_NUMS)
TOKENS = tuple(p * p for p in PATCH_NUMS)           # 680 in all
TBLR, TWD, TCLIP = 1e-4, 0.05, 2.0
TLR = 1 * TBLR * BS / 256                           # 0.00030000000000000003, as VAR computes it
WP, WP0, WPE = EPOCHS * 1 / 50, 0.005, 0.01
PRINT_ITS = sorted(set(np.linspace(0, ITERS - 1, 5, dtype=int).tolist()))  # 0 62 124 186 249
VAL_TOT = 50000

RESUME_EPOCH = 85                # checkpoint the crashed run resumes from ('epoch': 85)
CRASH_EPOCH = 88                 # the crash happens during this epoch ...
CRASH_IT = 140                   # ... after this many iterations
CRASH_DOWNTIME = 41 * 60 + 17    # seconds between the crash and the resumed launch
RELAUNCH_DELAY = 2 * 3600 + 13 * 60 + 5

GRAD_SPIKES = {14999: 3.1, 37499: 2.6}   # two spikes that land on TensorBoard-logged steps
START_CST = (2024, 12, 31, 13, 47, 9)   # the run crosses New Year: MM-DD prefixes wrap
HOST = "n193-022-074"
PIDS = (28311, 9157, 40233)
REPO = "/opt/tiger/run/VAR"
OUT_DIR = REPO + "/local_output"
DATA_PATH = "/mnt/bn/var-data/imagenet_192k"
TRAIN_PY, MISC_PY, ARG_PY = REPO + "/train.py", REPO + "/utils/misc.py", REPO + "/utils/arg_util.py"
DATA_PY, LRC_PY, VAR_PY, TRAINER_PY = (REPO + "/utils/data.py", REPO + "/utils/lr_control.py",
                                      REPO + "/models/var.py", REPO + "/trainer.py")
TB_NAME = f"tb-VARd{DEPTH}__pn{PN}__b{BS}ep{EPOCHS}adamlr{TBLR:g}wd{TWD:g}"
CMD = f"--depth={DEPTH} --bs={BS} --ep={EPOCHS} --fp16=1 --alng=1e-3 --data_path={DATA_PATH}"
COMMIT = "5d9c8e4b1f0a7c3e2b6d9f8a1c4e7b0d3f6a9c2e"  # synthetic

# loss curve L(x) = c + (ln V - c) (1 + x / tau)^-p, x in epochs (fitted to the targets
# of the brief: ep9 Lm 6.54 / Lt 5.96, Lt = 5.5 near epoch 45, Lm 5.90 / Lt 5.33 at the end)
LT_CURVE = (5.230515, 1.312876, 0.684224)
LM_CURVE = (5.736833, 1.243813, 0.541402)


# ----------------------------------------------------------------------------------------
# Curves
# ----------------------------------------------------------------------------------------

def power_curve(x: float, params) -> float:
    """Power-law decay from ln V at x = 0 towards c."""
    c, tau, p = params
    return c + (UNIFORM_LOSS - c) * (1 + max(x, 0.0) / tau) ** -p


def lr_at(g: int) -> float:
    """VAR's lr_wd_annealing('lin0', ...): warm-up from wp0, flat 5 %, linear to wpe."""
    wp_it = round(WP * ITERS)
    if g < wp_it:
        cur = WP0 + (1 - WP0) * g / wp_it
    else:
        pasd = (g - wp_it) / (MAX_IT - 1 - wp_it)
        rest = 1 - pasd
        T = 0.05
        cur = 1 if pasd < T else WPE + (1 - WPE) * rest / (1 - T)
    return cur * TLR


def acc_from_loss(loss: float, tail: bool) -> float:
    """Token accuracy (percent) that goes with a loss: ~0.024 % at ln V, a few % later."""
    k, gamma = (1.278, 1.535) if tail else (1.795, 1.015)
    return 100 / 4096 + k * max(UNIFORM_LOSS - loss, 0.0) ** gamma


def f32(v: float) -> float:
    """Round through float32, as torch's .item() of a float32 tensor does."""
    return float(np.float32(v))


def val_gap(x: float, tail: bool) -> float:
    """Validation minus training loss: small, then growing (a mild overfit after ~epoch 150)."""
    base = 0.055 if tail else 0.038
    k = 2.2e-5 if tail else 2.6e-5
    return base + k * max(0.0, x - 150.0) ** 2


# ----------------------------------------------------------------------------------------
# Simulation state
# ----------------------------------------------------------------------------------------

class Scaler:
    """torch GradScaler as VAR configures it (init 2**11, growth every 1000, capped at 2**15)."""

    def __init__(self):
        self.scale, self.tracker = 2.0 ** 11, 0

    def step(self, overflow: bool) -> float:
        """One optimizer step; returns log2 of the scale used (what VAR logs)."""
        used = self.scale
        if overflow:
            self.scale *= 0.5
            self.tracker = 0
        elif used > 32768.0:
            self.scale, self.tracker = 32768.0, 0
        else:
            self.tracker += 1
            if self.tracker == 1000:
                self.scale *= 2.0
                self.tracker = 0
        return math.log2(used)

    def copy(self) -> "Scaler":
        s = Scaler()
        s.scale, s.tracker = self.scale, self.tracker
        return s


class Sim:
    """Walks through the run, emitting stdout/stderr text, log.txt lines and TB scalars."""

    def __init__(self, seed: int, relaunch: bool):
        self.rng = np.random.default_rng(seed)
        self.relaunch = relaunch
        self.t = varsim._dt.datetime(*START_CST, tzinfo=varsim.CST).timestamp()
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self.log_txt: list[str] = []
        self.tb_files: list[dict] = []          # {'created', 'name', 'scalars': [...]}
        self.epochs: list[dict] = []            # every epoch record, in print order
        self.segment = 0
        self.scaler = Scaler()
        self.ckpt_scaler = {}
        self.overflows = {11990, 31490, 31495, 40740}
        self.args = self.initial_args()

    # --- output helpers ------------------------------------------------------------------
    def tick(self, seconds: float):
        """Advance the simulated wall clock."""
        self.t += seconds

    def pr(self, path: str, lineno: int, msg: str = "", end: str = "\n"):
        """VAR's patched print(): prefix, a space, the message."""
        self.stdout.append(f"{prefix(self.t, path, lineno)} {msg}{end}")

    def pr_clean(self, msg: str, end: str = "\n"):
        """print(..., clean=True): no prefix."""
        self.stdout.append(msg + end)

    def tb(self, tag: str, value: float, step: int):
        """SummaryWriter.add_scalar at the current wall time."""
        self.tb_files[-1]["scalars"].append((tag, float(value), int(step), self.t))

    # --- args ----------------------------------------------------------------------------
    def initial_args(self) -> "OrderedDict[str, object]":
        """utils/arg_util.py Args after init_dist_and_get_args(), in declaration order."""
        return OrderedDict([
            ("data_path", DATA_PATH), ("exp_name", "text"), ("vfast", 0), ("tfast", 0),
            ("depth", DEPTH), ("ini", -1), ("hd", 0.02), ("aln", 0.5), ("alng", 0.001),
            ("fp16", 1), ("tblr", TBLR), ("tlr", TLR), ("twd", TWD), ("twde", TWD),
            ("tclip", TCLIP), ("ls", 0.0), ("bs", BS), ("batch_size", LBS),
            ("glb_batch_size", BS), ("ac", 1), ("ep", EPOCHS), ("wp", WP), ("wp0", WP0),
            ("wpe", WPE), ("sche", "lin0"), ("opt", "adamw"), ("afuse", True), ("saln", False),
            ("anorm", True), ("fuse", True), ("pn", PN), ("patch_size", 16),
            ("patch_nums", PATCH_NUMS), ("resos", RESOS), ("data_load_reso", max(RESOS)),
            ("mid_reso", 1.125), ("hflip", False), ("workers", 0), ("pg", 0.0), ("pg0", 4),
            ("pgwp", EPOCHS * 1 / 300), ("cmd", CMD), ("branch", "main"),
            ("commit_id", COMMIT), ("commit_msg", "[upd] third-party usage and research"),
            ("acc_mean", None), ("acc_tail", None), ("L_mean", None), ("L_tail", None),
            ("vacc_mean", None), ("vacc_tail", None), ("vL_mean", None), ("vL_tail", None),
            ("grad_norm", None), ("cur_lr", None), ("cur_wd", None), ("cur_it", ""),
            ("cur_ep", ""), ("remain_time", ""), ("finish_time", ""),
            ("local_out_dir_path", OUT_DIR), ("tb_log_dir_path", f"{OUT_DIR}/{TB_NAME}"),
            ("log_txt_path", f"{OUT_DIR}/log.txt"), ("last_ckpt_path", f"{OUT_DIR}/ar-ckpt-last.pth"),
            ("tf32", True), ("seed", None), ("same_seed_for_all_ranks", 0),
            ("local_debug", False), ("dbg_nan", False),
        ])

    @staticmethod
    def args_str(args) -> str:
        """Args.__str__: '{', one '  name{:20s}: value' line each, '}', newline."""
        body = "\n".join(f"  {k:20s}: {v}" for k, v in args.items())
        return f"{{\n{body}\n}}\n"

    def dump_log(self):
        """Args.dump_log(): restarts the file whenever cur_ep contains '1/' (VAR's quirk)."""
        a = self.args
        if "1/" in a["cur_ep"]:
            header = {"is_master": True, "name": a["exp_name"], "cmd": a["cmd"],
                      "commit": a["commit_id"], "branch": a["branch"],
                      "tb_log_dir_path": a["tb_log_dir_path"]}
            self.log_txt = [json.dumps(header, indent=0) + "\n"]
        d = {"it": a["cur_it"], "ep": a["cur_ep"], "lr": a["cur_lr"], "wd": a["cur_wd"],
             "grad_norm": a["grad_norm"], "L_mean": a["L_mean"], "L_tail": a["L_tail"],
             "acc_mean": a["acc_mean"], "acc_tail": a["acc_tail"], "vL_mean": a["vL_mean"],
             "vL_tail": a["vL_tail"], "vacc_mean": a["vacc_mean"], "vacc_tail": a["vacc_tail"],
             "remain_time": a["remain_time"], "finish_time": a["finish_time"]}
        self.log_txt.append(f"{d}\n")

    # --- launch / startup ----------------------------------------------------------------
    def launch(self, start_ep: int):
        """A process start: RESTART banner (if stdout exists), startup prints, new TB file."""
        if self.segment > 0:
            banner = "\n" * 7 + "=" * 55 + f"   RESTART {time_str(self.t)}   " + "=" * 55 + "\n"
            self.stdout.append(banner)
            self.stderr.append(banner)
        self.args = self.initial_args()
        self.tick(1.3)
        self.pr(ARG_PY, 173, "[tf32] [precis] torch.get_float32_matmul_precision(): high")
        self.pr(ARG_PY, 174, "[tf32] [ conv ] torch.backends.cudnn.allow_tf32: True")
        self.pr(ARG_PY, 175, "[tf32] [matmul] torch.backends.cuda.matmul.allow_tf32: True")
        self.tick(0.9)
        name = (f"events.out.tfevents.{int(self.t):010d}.{HOST}.{PIDS[self.segment]}.0"
                f"__{time_str(self.t, '%m%d_%H%M')}")
        self.tb_files.append({"created": self.t, "name": name, "scalars": []})
        self.pr(TRAIN_PY, 36, f"global bs={BS}, local bs={LBS}")
        self.pr(TRAIN_PY, 37, f"initial args:\n{self.args_str(self.args)}")
        self.pr(TRAIN_PY, 41, "[build PT data] ...\n")
        self.tick(93.4 + self.rng.uniform(0, 6))
        self.pr(DATA_PY, 34, f"[Dataset] len(train_set)={ITERS * BS}, len(val_set)={VAL_TOT}, num_classes=1000")
        for label, crop in (("[train]", "RandomCrop(size=(256, 256), padding=None)"),
                            ("[val]", "CenterCrop(size=(256, 256))")):
            self.pr(DATA_PY, 48, f"Transform {label} = ")
            for t in ("Resize(size=288, interpolation=lanczos, max_size=None, antialias=True)", crop,
                      "ToTensor()", "<function normalize_01_into_pm1 at 0x7f3b2c1d8ee0>"):
                self.pr(DATA_PY, 51, t)
            self.pr(DATA_PY, 54, "---------------------------\n")
        if start_ep == 0:
            info = [f"[auto_resume] no ckpt found @ {OUT_DIR}/ar-ckpt*.pth", "[auto_resume quit]"]
        else:
            info = [f"[auto_resume] load ckpt from @ {OUT_DIR}/ar-ckpt-last.pth ...",
                    f"[auto_resume success] resume from ep{start_ep}, it0"]
        for line in info:
            self.pr(TRAIN_PY, 64, line)
        self.pr(TRAIN_PY, 65, "[dataloader multi processing] ...", end="")
        cost = 44.0 + self.rng.uniform(0, 6)
        self.tick(cost)
        self.pr_clean(f"     [dataloader multi processing](*) finished! ({cost:.2f}s)")
        self.pr(TRAIN_PY, 71, f"[dataloader] gbs={BS}, lbs={LBS}, iters_train={ITERS}, "
                              f"types(tr, va)=('DatasetFolder', 'DatasetFolder')")
        self.tick(6.2)
        self.model_prints()
        if start_ep > 0:
            self.pr(TRAINER_PY, 189, "[VARTrainer.load_state_dict] var_wo_ddp missing:  []")
            self.pr(TRAINER_PY, 190, "[VARTrainer.load_state_dict] var_wo_ddp unexpected:  []")
        self.tick(2.1)

    def model_prints(self):
        """Constructor, init_weights, model repr, #para and param-group prints."""
        dpr = 0.1 * DEPTH / 24
        lin = ", ".join(f"{v:.4f}" for v in np.linspace(0, dpr, DEPTH)[:9])
        lin2 = ", ".join(f"{v:.4f}" for v in np.linspace(0, dpr, DEPTH)[9:])
        self.pr(VAR_PY, 98, f"\n[constructor]  ==== flash_if_available=True (0/{DEPTH}), fused_if_available=True "
                            f"(fusing_add_ln=0/{DEPTH}, fusing_mlp=0/{DEPTH}) ==== \n"
                            f"    [VAR config ] embed_dim=1024, num_heads={DEPTH}, depth={DEPTH}, mlp_ratio=4.0\n"
                            f"    [drop ratios ] drop_rate=0.0, attn_drop_rate=0.0, drop_path_rate={dpr:g} "
                            f"(tensor([{lin},\n        {lin2}]))", end="\n\n")
        self.pr(VAR_PY, 239, f"[init_weights] VAR with init_std={(1 / 1024 / 3) ** 0.5:g}")
        self.tick(7.4)
        self.pr(TRAIN_PY, 104, f"[INIT] VAR model = {model_repr(dpr)}\n\n")
        self.pr(TRAIN_PY, 106, "[INIT][#para] VAE=108.95, VAE.enc=44.11, VAE.dec=64.49, VAE.quant=0.34")
        self.pr(TRAIN_PY, 107, "[INIT][#para] VAR=310.28\n\n")
        names = param_names()
        nd = [n for n in names if n.endswith("bias") or any(k in n for k in ("pos_", "lvl_embed", "scale_mul"))]
        d = [n for n in names if n not in nd]
        groups = {"D": {"lr_sc": 1.0, "params": pformat(", ".join(d), width=200), "wd_sc": 1.0},
                  "ND": {"lr_sc": 1.0, "params": pformat(", ".join(nd), width=200), "wd_sc": 0.0}}
        self.pr(LRC_PY, 99, f"[get_param_groups] param_groups = \n{pformat(groups, indent=2, width=240)}\n")
        self.pr(LRC_PY, 104, f"[get_param_groups][rank0] type(model).__name__='VAR' count={len(names)}, numel=310283776")
        self.pr(LRC_PY, 105, "")
        self.pr(TRAIN_PY, 122, "[INIT] optim=functools.partial(<class 'torch.optim.adamw.AdamW'>, betas=(0.9, 0.95), "
                               f"fused=True), opt_kw={{'lr': {TLR!r}, 'weight_decay': 0}}\n")

    # --- one batch -----------------------------------------------------------------------
    def batch(self, g: int, eps, spike: float):
        """Rank-0 batch metrics at global step g: (Lm, Lt, Accm, Acct), float32-valued."""
        x = (g + 0.5) / ITERS
        lm = power_curve(x, LM_CURVE) + eps[0] + 0.6 * spike
        lt = power_curve(x, LT_CURVE) + eps[1] + spike
        if g == 0:
            lm, lt = UNIFORM_LOSS + 3e-4, UNIFORM_LOSS - 2e-4
        else:
            lm += self.rng.normal(0, 0.035)
            lt += self.rng.normal(0, 0.060)
        am = acc_from_loss(lm, False) + self.rng.normal(0, 0.06) if g else 0.0245
        at = acc_from_loss(lt, True) + self.rng.normal(0, 0.10) if g else 0.0229
        return f32(lm), f32(lt), f32(max(am, 0.0)), f32(max(at, 0.0))

    def grad_norm(self, g: int, spike: float) -> float:
        """Gradient norm before clipping: high at init, ~0.3-1.5 later, rare spikes."""
        x = g / ITERS
        base = 0.34 + 1.05 * math.exp(-x / 2.5) + 0.22 * x / EPOCHS + (3.4 if g == 0 else 0)
        v = base * math.exp(self.rng.normal(0, 0.13)) * GRAD_SPIKES.get(g, 1.0)
        if spike > 0:
            v *= 1 + 25 * spike
        elif self.rng.random() < 0.012:
            v *= self.rng.uniform(2.2, 3.5)
        return f32(v)

    # --- one epoch -----------------------------------------------------------------------
    def train_epoch(self, ep: int, first: bool, crash_after: int | None = None):
        """train_one_ep + the epoch-end block of main_training; returns the epoch record."""
        rng = self.rng
        dur = 1.195 + rng.gamma(2.0, 0.022, ITERS)
        dur[rng.random(ITERS) < 0.004] += rng.uniform(3, 9)
        data = 0.0004 + rng.gamma(1.5, 0.0004, ITERS)
        data[0] += 0.8 + rng.uniform(0, 0.5)
        if first:
            dur[0] += 36.0
            data[0] += 5.5
        dur += data
        eps_m = rng.normal(0, 0.006)
        eps = (eps_m, 0.8 * eps_m / 0.006 * 0.012 + rng.normal(0, 0.012 * 0.6))
        crashed_copy = self.segment == 0 and ep >= CRASH_EPOCH - 1

        header = f"[Ep]: [{ep:4d}/{EPOCHS}]"
        meters = {k: [] for k in ("Lm", "Lt", "Accm", "Acct")}
        tnm_vals, it_times, data_times = [], deque(maxlen=30), deque(maxlen=30)
        iter_sum, start_t = 0.0, self.t
        n_its = ITERS if crash_after is None else crash_after
        for it in range(n_its):
            g = ep * ITERS + it
            spike = 0.0
            if crashed_copy and (ep > CRASH_EPOCH - 1 or it >= 90):
                spike = 0.22 if ep == CRASH_EPOCH - 1 else 0.30
            self.tick(float(dur[it]))
            iter_sum += float(dur[it])
            it_times.append(float(dur[it]))
            data_times.append(float(data[it]))
            overflow = g in self.overflows or (crashed_copy and spike > 0 and rng.random() < 0.02)
            scale_log2 = self.scaler.step(overflow)
            printed = it in PRINT_ITS
            tb_step = g == 0 or (g + 1) % 500 == 0
            if not (printed or tb_step):
                continue
            vals = self.batch(g, eps, spike)
            gn = self.grad_norm(g, spike)
            if printed:
                for k, v in zip(meters, vals):
                    meters[k].append(v)
                tnm_vals.append(gn)
            if tb_step:
                self.tb_iteration(g, vals, gn, scale_log2)
            if printed:
                eta = iter_sum / (it + 1) * (ITERS - it)   # iter_time.global_avg * (max_iters - i)
                fmt3 = lambda k: f"{varsim.median(meters[k]):.3f} ({sum(meters[k]) / len(meters[k]):.3f})"
                fmt2 = lambda k: f"{varsim.median(meters[k]):.2f} ({sum(meters[k]) / len(meters[k]):.2f})"
                line = "  ".join([
                    header, f"[{it:3d}/{ITERS}]", f"eta: {timedelta_str(int(eta))}",
                    f"tlr: {lr_at(g):.2g}", f"tnm: {gn:.2f}", f"Lm: {fmt3('Lm')}", f"Lt: {fmt3('Lt')}",
                    f"Accm: {fmt2('Accm')}", f"Acct: {fmt2('Acct')}",
                    f"time: {sum(it_times) / len(it_times):.4f}", f"data: {sum(data_times) / len(data_times):.4f}"])
                self.pr(MISC_PY, 314, line)
        if crash_after is not None:
            return None
        total = self.t - start_t
        self.pr(MISC_PY, 336, f"{header}   Total time:      {timedelta_str(int(total))}   ({total / ITERS:.3f} s / it)")
        return self.epoch_end(ep, meters, tnm_vals, eps, list(it_times))

    def synced_avg(self, ep: int, vals, eps, key: str) -> float:
        """MetricLogger.synchronize_between_processes: average over 16 ranks x 5 samples."""
        n_other = (WORLD - 1) * len(vals)
        xs = [(ep * ITERS + it + 0.5) / ITERS for it in PRINT_ITS]
        if key in ("Lm", "Lt"):
            curve = LM_CURVE if key == "Lm" else LT_CURVE
            mean = sum(power_curve(x, curve) for x in xs) / len(xs) + (eps[0] if key == "Lm" else eps[1])
            sd = 0.035 if key == "Lm" else 0.060
        else:
            tail = key == "Acct"
            curve = LT_CURVE if tail else LM_CURVE
            mean = sum(acc_from_loss(power_curve(x, curve) + (eps[1] if tail else eps[0]), tail) for x in xs) / len(xs)
            sd = 0.10 if tail else 0.06
        others = n_other * mean + self.rng.normal(0, sd * math.sqrt(n_other))
        return (sum(vals) + others) / (WORLD * len(vals))

    def epoch_end(self, ep, meters, tnm_vals, eps, it_times):
        """Stats, validation, checkpoint, the [epN] line, TB epoch scalars, log.txt."""
        st = {k: self.synced_avg(ep, meters[k], eps, k) for k in meters}
        if self.segment == 0 and ep == CRASH_EPOCH - 1:
            st["Lm"] += 0.6 * 0.22 * 3 / 5
            st["Lt"] += 0.22 * 3 / 5
        for k in ("Lm", "Lt"):   # keep every printed/logged value clear of the threshold's rounding
            if abs(st[k] - 5.5) < 0.0015:
                st[k] = 5.5 + math.copysign(0.0015, st[k] - 5.5)
        grad_norm = sum(tnm_vals) / len(tnm_vals)
        b = self.best
        b["Lm"], b["Accm"] = min(b["Lm"], st["Lm"]), max(b["Accm"], st["Accm"])
        b["Lt"], b["Acct"] = min(b["Lt"], st["Lt"]), max(b["Acct"], st["Acct"])
        g_last = ep * ITERS + ITERS - 1
        counts = MAX_IT - (g_last + 1) + (EPOCHS - ep) * 15
        remain_secs = counts * varsim.median(it_times)
        remain = timedelta_str(round(remain_secs))
        finish = varsim.cst(self.t + remain_secs).strftime("%Y-%m-%d %H:%M")
        a = self.args
        a.update(L_mean=st["Lm"], L_tail=st["Lt"], acc_mean=st["Accm"], acc_tail=st["Acct"],
                 grad_norm=grad_norm, cur_ep=f"{ep + 1}/{EPOCHS}", remain_time=remain,
                 finish_time=finish, cur_it=f"{ITERS}/{ITERS}", cur_lr=lr_at(g_last), cur_wd=TWD)
        rec = {"segment": self.segment, "ep": ep, "L_mean": st["Lm"], "L_tail": st["Lt"],
               "acc_mean": st["Accm"], "acc_tail": st["Acct"], "grad_norm": grad_norm, "val": None}
        ep_loss = OrderedDict(L_mean=st["Lm"], L_tail=st["Lt"], acc_mean=st["Accm"], acc_tail=st["Acct"])
        if (ep + 1) % 10 == 0 or ep + 1 == EPOCHS:
            val = self.validate(ep)
            cost = 50.2 + self.rng.normal(0, 1.2) + (12.0 if ep == 9 else 0.0)
            self.tick(cost)
            ep_loss.update(vL_mean=val[0], vL_tail=val[1], vacc_mean=val[2], vacc_tail=val[3])
            a.update(vL_mean=val[0], vL_tail=val[1], vacc_mean=val[2], vacc_tail=val[3])
            rec["val"] = val
            self.pr(TRAIN_PY, 216, f" [*] [ep{ep}]  (val {VAL_TOT})  Lm: {st['Lm']:.4f}, Lt: {st['Lt']:.4f}, "
                                   f"Acc m&t: {st['Accm']:.2f} {st['Acct']:.2f},  Val cost: {cost:.2f}s")
        if (ep + 1) % 5 == 0:    # this fork saves ar-ckpt-last.pth every 5 epochs
            self.pr(TRAIN_PY, 221, "[saving ckpt] ...", end="")
            self.tick(5.8 + self.rng.uniform(0, 1.5))
            self.pr_clean(f"     [saving ckpt](*) finished!  @ {OUT_DIR}/ar-ckpt-last.pth")
            self.ckpt_scaler[ep + 1] = self.scaler.copy()
        self.pr(TRAIN_PY, 233, f"     [ep{ep}]  (training )  Lm: {b['Lm']:.3f} ({st['Lm']:.3f}), "
                               f"Lt: {b['Lt']:.3f} ({st['Lt']:.3f}),  Acc m&t: {b['Accm']:.2f} {b['Acct']:.2f},  "
                               f"Remain: {remain},  Finish: {finish}")
        for k, v in ep_loss.items():
            self.tb(f"AR_ep_loss/{k}", v, ep + 1)
        self.tb("AR_z_burnout/rest_hours", round(remain_secs / 60 / 60, 2), ep + 1)
        self.dump_log()
        self.tick(0.4)
        rec["remain"], rec["finish"] = remain, finish
        self.epochs.append(rec)
        return rec

    def validate(self, ep: int):
        """eval_ep on 50,000 images: (vL_mean, vL_tail, vacc_mean, vacc_tail)."""
        x = ep + 1.0
        vm = power_curve(x, LM_CURVE) + val_gap(x, False) + self.rng.normal(0, 0.0006)
        vt = power_curve(x, LT_CURVE) + val_gap(x, True) + self.rng.normal(0, 0.0008)
        am = acc_from_loss(vm, False) - 0.05 + self.rng.normal(0, 0.01)
        at = acc_from_loss(vt, True) - 0.08 + self.rng.normal(0, 0.015)
        return (vm, vt, am, at)

    def tb_iteration(self, g: int, vals, gn: float, scale_log2: float):
        """The iteration-level TensorBoard scalars VAR writes at g == 0 and (g+1) % 500 == 0."""
        lm, lt = vals[0], vals[1]
        x = g / ITERS
        usage = 2.34 if g == 0 else min(100.0, 99.7 - 58.0 * math.exp(-x / 0.55) + self.rng.normal(0, 0.12))
        if g == 0:
            self.tb("AR_iter_loss/z_voc_usage", usage, -10000)
            self.tb("AR_iter_loss/z_voc_usage", usage, -1000)
        self.tb("AR_iter_loss/z_voc_usage", usage, g)
        offsets = (1.6, 1.9, 1.8, 1.6, 1.45, 1.3, 1.1, 0.9, 0.55, 0.0)
        mean_off = sum(n * d for n, d in zip(TOKENS, offsets)) / sum(TOKENS)
        gap = (lm - lt) / mean_off if g else 0.0
        for reso, d in zip(RESOS, offsets):
            ls = lt + d * gap + (self.rng.normal(0, 0.05 + 0.25 / math.sqrt(TOKENS[RESOS.index(reso)])) if g else 0)
            acc = acc_from_loss(ls, True) * (1.4 if reso <= 32 else 1.0) if g else (100 / 4096 if reso > 48 else 0.0)
            self.tb(f"AR_iter_loss/acc_{reso}", f32(acc), g)
            self.tb(f"AR_iter_loss/L_{reso}", f32(ls), g)
        self.tb("AR_iter_schedule/prog_a_reso", RESOS[-1], g)
        self.tb("AR_iter_schedule/prog_si", -1, g)
        self.tb("AR_iter_schedule/prog_wp", 1, g)
        lr = lr_at(g)
        self.tb("AR_opt_lr/lr_min/sche_tlr", lr, g)
        self.tb("AR_opt_lr/lr_max/sche_tlr", lr, g)
        self.tb("AR_opt_wd/wd_max/sche_twd", TWD, g)
        self.tb("AR_opt_wd/wd_min/sche_twd", TWD, g)
        self.tb("AR_opt_grad/fp16/scale_log2", scale_log2, g)
        self.tb("AR_opt_grad/grad/grad_norm", gn, g)
        self.tb("AR_opt_grad/grad/grad_clip", TCLIP, g)

    # --- the whole story -----------------------------------------------------------------
    def run(self):
        """First launch, crash in epoch 88, resume from the epoch-85 checkpoint, finish, relaunch."""
        self.launch(0)
        self.best = {"Lm": 999.0, "Lt": 999.0, "Accm": -1.0, "Acct": -1.0}
        for ep in range(0, CRASH_EPOCH):
            self.train_epoch(ep, first=ep == 0)
        self.train_epoch(CRASH_EPOCH, first=False, crash_after=CRASH_IT)
        self.crash_traceback()
        self.tick(CRASH_DOWNTIME)
        self.segment = 1
        self.scaler = self.ckpt_scaler[RESUME_EPOCH].copy()
        self.launch(RESUME_EPOCH)
        run_start = self.t
        self.best = {"Lm": 999.0, "Lt": 999.0, "Accm": -1.0, "Acct": -1.0}
        for ep in range(RESUME_EPOCH, EPOCHS):
            rec = self.train_epoch(ep, first=ep == RESUME_EPOCH)
        self.finish(run_start, rec)
        if self.relaunch:
            self.tick(RELAUNCH_DELAY)
            self.segment = 2
            self.launch(EPOCHS)
            self.pr(TRAIN_PY, 239, "\n\n")
            self.pr(TRAIN_PY, 240, "  [*] [PT finished]  Total cost: 0.0h,   Lm: 999.000 (-1),   Lt: 999.000 (-1)")
            self.pr(TRAIN_PY, 241, "\n\n")
            self.stderr.append(
                "Traceback (most recent call last):\n"
                f'  File "{TRAIN_PY}", line 331, in <module>\n    try: main_training()\n'
                f'  File "{TRAIN_PY}", line 243, in main_training\n    del stats\n'
                "UnboundLocalError: local variable 'stats' referenced before assignment\n")

    def finish(self, run_start: float, last):
        """End of main_training(): PT finished, final args, the extra dump_log."""
        total = f"{(self.t - run_start) / 3600:.1f}h"
        b = self.best
        self.pr(TRAIN_PY, 239, "\n\n")
        self.pr(TRAIN_PY, 240, f"  [*] [PT finished]  Total cost: {total},   Lm: {b['Lm']:.3f} ({last['L_mean']}),   "
                               f"Lt: {b['Lt']:.3f} ({last['L_tail']})")
        self.pr(TRAIN_PY, 241, "\n\n")
        self.tick(6.0)
        self.args.update(remain_time="-", finish_time=varsim.cst(self.t - 60).strftime("%Y-%m-%d %H:%M"))
        self.pr(TRAIN_PY, 248, f"final args:\n\n{self.args_str(self.args)}")
        self.dump_log()

    def crash_traceback(self):
        """What the crashed process left in stderr.txt."""
        self.stderr.append(
            "Traceback (most recent call last):\n"
            f'  File "{TRAIN_PY}", line 331, in <module>\n    try: main_training()\n'
            f'  File "{TRAIN_PY}", line 196, in main_training\n'
            "    stats, (sec, remain_time, finish_time) = train_one_ep(\n"
            f'  File "{TRAIN_PY}", line 299, in train_one_ep\n'
            "    grad_norm, scale_log2 = trainer.train_step(\n"
            f'  File "{TRAINER_PY}", line 123, in train_step\n'
            "    grad_norm, scale_log2 = self.var_opt.backward_clip_step(loss=loss, stepping=stepping)\n"
            f'  File "{REPO}/utils/amp_sc.py", line 46, in backward_clip_step\n'
            "    self.scaler.scale(loss).backward(retain_graph=False, create_graph=False)\n"
            '  File "/usr/local/lib/python3.10/dist-packages/torch/_tensor.py", line 522, in backward\n'
            "    torch.autograd.backward(\n"
            "RuntimeError: CUDA error: an illegal memory access was encountered\n"
            "CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace "
            "below might be incorrect.\nFor debugging consider passing CUDA_LAUNCH_BLOCKING=1.\n")


# ----------------------------------------------------------------------------------------
# Model text (what `print(var_wo_ddp)` shows)
# ----------------------------------------------------------------------------------------

def model_repr(dpr: float) -> str:
    """repr(VAR d16); blocks 1-15 print alike (DropPath's repr is '(drop_prob=...)')."""
    def block(drop_path: str, ind: str) -> str:
        lines = [
            "AdaLNSelfAttn(", "  shared_aln=False", f"  (drop_path): {drop_path}",
            "  (attn): SelfAttention(", "    using_flash=False, using_xform=False, attn_l2_norm=True",
            "    (mat_qkv): Linear(in_features=1024, out_features=3072, bias=False)",
            "    (proj): Linear(in_features=1024, out_features=1024, bias=True)",
            "    (proj_drop): Identity()", "  )", "  (ffn): FFN(", "    fused_mlp_func=False",
            "    (fc1): Linear(in_features=1024, out_features=4096, bias=True)",
            "    (act): GELU(approximate='tanh')",
            "    (fc2): Linear(in_features=4096, out_features=1024, bias=True)",
            "    (drop): Identity()", "  )",
            "  (ln_wo_grad): LayerNorm((1024,), eps=1e-06, elementwise_affine=False)",
            "  (ada_lin): Sequential(", "    (0): SiLU()",
            "    (1): Linear(in_features=1024, out_features=6144, bias=True)", "  )", ")"]
        return ("\n" + ind).join(lines)
    ind = "    "
    return "\n".join([
        "VAR(", f"  drop_path_rate={dpr:g}",
        "  (word_embed): Linear(in_features=32, out_features=1024, bias=True)",
        "  (class_emb): Embedding(1001, 1024)", "  (lvl_embed): Embedding(10, 1024)",
        "  (shared_ada_lin): Identity()", "  (blocks): ModuleList(",
        f"    (0): {block('Identity()', ind)}",
        f"    (1-{DEPTH - 1}): {DEPTH - 1} x {block('DropPath((drop_prob=...))', ind)}",
        "  )", "  (head_nm): AdaLNBeforeHead(",
        "    (ln_wo_grad): LayerNorm((1024,), eps=1e-06, elementwise_affine=False)",
        "    (ada_lin): Sequential(", "      (0): SiLU()",
        "      (1): Linear(in_features=1024, out_features=2048, bias=True)", "    )", "  )",
        "  (head): Linear(in_features=1024, out_features=4096, bias=True)", ")"])


def param_names() -> list[str]:
    """VAR d16's named_parameters(), in registration order (185 tensors, 310,283,776 values)."""
    names = ["pos_start", "pos_1LC", "word_embed.weight", "word_embed.bias", "class_emb.weight", "lvl_embed.weight"]
    for i in range(DEPTH):
        p = f"blocks.{i}."
        names += [p + s for s in ("attn.scale_mul_1H11", "attn.q_bias", "attn.v_bias", "attn.mat_qkv.weight",
                                  "attn.proj.weight", "attn.proj.bias", "ffn.fc1.weight", "ffn.fc1.bias",
                                  "ffn.fc2.weight", "ffn.fc2.bias", "ada_lin.1.weight", "ada_lin.1.bias")]
    names += ["head_nm.ada_lin.1.weight", "head_nm.ada_lin.1.bias", "head.weight", "head.bias"]
    return names


# ----------------------------------------------------------------------------------------
# Writing and answers
# ----------------------------------------------------------------------------------------

def write_run(sim: Sim, outdir: str):
    """Write stdout.txt, stderr.txt, log.txt and the TensorBoard event files."""
    os.makedirs(outdir, exist_ok=True)
    for name, chunks in (("stdout.txt", sim.stdout), ("stderr.txt", sim.stderr), ("log.txt", sim.log_txt)):
        with open(os.path.join(outdir, name), "w", encoding="utf-8", newline="\n") as fp:
            fp.write("".join(chunks))
    tb_dir = os.path.join(outdir, TB_NAME)
    os.makedirs(tb_dir, exist_ok=True)
    for old in os.listdir(tb_dir):
        os.remove(os.path.join(tb_dir, old))
    for f in sim.tb_files:
        varsim.write_tbx_scalars(os.path.join(tb_dir, f["name"]), f["created"], HOST, f["scalars"])


def crossing(series, threshold=5.5):
    """(first epoch with value < threshold, first epoch from which all values are < threshold)."""
    first = next((e for e, v in series if v < threshold), None)
    stays = None
    for e, v in reversed(series):
        if v < threshold:
            stays = e
        else:
            break
    return first, stays


def answers(sim: Sim) -> dict:
    """The facts a correct reader must find, computed from the simulation itself."""
    truth = {}
    for r in sim.epochs:               # later occurrence wins
        truth[r["ep"]] = r
    eps = sorted(truth)
    first_seen = {}
    for r in sim.epochs:
        first_seen.setdefault(r["ep"], r)
    out = {"epochs_completed": len(eps), "epochs_planned": EPOCHS, "iters_train": ITERS,
           "threshold": 5.5, "metrics": {}}
    for key in ("L_tail", "L_mean"):
        s = [(e, truth[e][key]) for e in eps]
        fb, sb = crossing(s)
        naive = crossing([(e, first_seen[e][key]) for e in eps])
        best_e = min(eps, key=lambda e: truth[e][key])
        out["metrics"][key] = {
            "first": s[0][1], "last": s[-1][1], "best": {"epoch": best_e, "value": truth[best_e][key]},
            "first_below": None if fb is None else {"epoch": fb, "value": truth[fb][key],
                                                    "last_step_of_epoch": (fb + 1) * ITERS - 1},
            "stays_below_from": sb,
            "if_first_occurrence_wins": {"first_below": naive[0], "stays_below_from": naive[1]}}
    for key in ("acc_mean", "acc_tail"):
        out["metrics"][key] = {"first": truth[eps[0]][key], "last": truth[eps[-1]][key],
                               "max": max(truth[e][key] for e in eps)}
    vals = [(e, truth[e]["val"]) for e in eps if truth[e]["val"] is not None]
    out["validation"] = {"epochs": [e for e, _ in vals]}
    for i, key in enumerate(("vL_mean", "vL_tail", "vacc_mean", "vacc_tail")):
        pts = [(e, v[i]) for e, v in vals]
        pick = min if key.startswith("vL") else max
        be = pick(pts, key=lambda p: p[1])
        out["validation"][key] = {"first": pts[0][1], "last": pts[-1][1], "best_epoch": be[0], "best": be[1]}
    for key in ("vL_mean", "vL_tail"):
        i = ("vL_mean", "vL_tail").index(key)
        after = [v[i] for e, v in vals if e >= 159]
        out["validation"].setdefault("rising_after_best", {})[key] = all(
            b > a for a, b in zip(after, after[1:]))
    text = "".join(sim.stdout)
    lines = text.split("\n")
    out["stdout"] = {
        "bytes": len(text.encode()), "lines": text.count("\n"),
        "iteration_lines": sum(1 for l in lines if "=> [Ep]: [" in l and "Total time" not in l),
        "total_time_lines": sum(1 for l in lines if "Total time:" in l),
        "epoch_lines": sum(1 for l in lines if "]  (training )  Lm:" in l),
        "val_lines": sum(1 for l in lines if "(val 50000)" in l),
        "restart_banners": sum(1 for l in lines if "   RESTART [" in l),
        "initial_args_blocks": text.count("initial args:"), "final_args_blocks": text.count("final args:"),
        "pt_finished_lines": text.count("[PT finished]"),
        "timestamp_year_wrap": "12-31 -> 01-01 (no year in the prefix)",
    }
    out["restart"] = {
        "crash_during_epoch": CRASH_EPOCH, "crash_after_iterations": CRASH_IT,
        "resumed_from_epoch": RESUME_EPOCH,
        "epochs_logged_twice": list(range(RESUME_EPOCH, CRASH_EPOCH)),
        "epoch_with_partial_iterations_before_crash": CRASH_EPOCH,
        "crashed_copy_of_epoch": {str(e): {"L_tail": first_seen[e]["L_tail"], "L_mean": first_seen[e]["L_mean"]}
                                  for e in range(RESUME_EPOCH, CRASH_EPOCH)},
        "relaunch_after_finish": sim.relaunch,
    }
    log_eps = [ast.literal_eval(l)["ep"] for l in sim.log_txt if l.startswith("{'")]
    out["log_txt"] = {"epoch_lines": len(log_eps), "ep_strings": log_eps,
                      "note": "last line repeats '200/200' (final dump_log, remain_time '-')"}
    tb = []
    for f in sim.tb_files:
        tags = OrderedDict()
        for tag, _, step, _ in f["scalars"]:
            tags.setdefault(tag, []).append(step)
        tb.append({"file": f["name"], "records": len(f["scalars"]),
                   "tags": {t: {"count": len(s), "first_step": s[0], "last_step": s[-1]} for t, s in tags.items()}})
    out["tensorboard"] = tb
    return out


def check_targets(ans: dict) -> list[str]:
    """The shape the brief asks for; returns what a given seed misses (empty when all hold)."""
    bad = []
    lt, lm = ans["metrics"]["L_tail"], ans["metrics"]["L_mean"]
    fb, sb = (lt["first_below"] or {}).get("epoch"), lt["stays_below_from"]
    if fb is None or sb is None or not 30 <= fb <= 60 or not 2 <= sb - fb <= 10:
        bad.append(f"L_tail crossing: first_below={fb}, stays_below_from={sb}")
    if lm["first_below"] is not None:
        bad.append("L_mean went below the threshold")
    if lt["if_first_occurrence_wins"]["stays_below_from"] == sb:
        bad.append("the crashed copy of the repeated epochs does not change stays_below_from")
    v = ans["validation"]
    for key in ("vL_mean", "vL_tail"):
        if v[key]["best_epoch"] != 159:
            bad.append(f"{key} minimum at epoch {v[key]['best_epoch']}, not 159")
    rising = v["rising_after_best"]
    if not all(rising.values()):
        bad.append(f"validation not rising after its minimum: {rising}")
    return bad


def tb_summary_rows(ans: dict) -> list[str]:
    """README rows: per event file, tags grouped by (count, first step, last step)."""
    rows = ["| file | records | tags | count each | steps |", "| --- | --- | --- | --- | --- |"]
    for f in ans["tensorboard"]:
        groups = OrderedDict()
        for tag, t in f["tags"].items():
            groups.setdefault((t["count"], t["first_step"], t["last_step"]), []).append(tag)
        if not groups:
            rows.append(f"| `{f['file']}` | 0 | (only the file_version record: the relaunch) | | |")
        for i, ((n, a, b), tags) in enumerate(groups.items()):
            shown = ", ".join(f"`{t}`" for t in tags) if len(tags) <= 8 else (
                f"{len(tags)} tags: `AR_iter_loss/*` (L_*, acc_*"
                + (", z_voc_usage" if "AR_iter_loss/z_voc_usage" in tags else "")
                + "), `AR_iter_schedule/*`, `AR_opt_*`")
            rows.append(f"| {'`' + f['file'] + '`' if i == 0 else ''} | {f['records'] if i == 0 else ''} | "
                        f"{shown} | {n} | {a} .. {b} |")
    return rows


def render_readme(ans: dict, argv_line: str) -> str:
    """Examples/README.md, from the answers of this very run."""
    lt, lm = ans["metrics"]["L_tail"], ans["metrics"]["L_mean"]
    v, st, rs, lg = ans["validation"], ans["stdout"], ans["restart"], ans["log_txt"]
    fb = lt["first_below"]
    crashed = rs["crashed_copy_of_epoch"]
    lines = [
        "# Examples", "",
        "## var-d16/: a synthetic VAR-d16 run in VAR's real output layout", "",
        "A 200-epoch VAR-d16 run (`--depth=16 --bs=768 --ep=200 --fp16=1 --alng=1e-3`, 16 GPUs x 48, "
        f"`iters_train={ITERS}`, i.e. a 192,000-image subset so that the folder stays under 1 MB) as FoundationVision/VAR "
        "writes it into `local_output/` (checkpoints left out). The numbers are SIMULATED, not trained: curves shaped "
        "like a real VAR-d16 ImageNet run (both losses start at ln 4096 = 8.318; Lm ends near 5.9, Lt near 5.33; "
        "accuracies a few percent), printed with the exact formats of VAR's `train.py`, `utils/misc.py`, "
        "`utils/arg_util.py` (read from VAR commit 78b9539), and VAR's own quirks.", "",
        "Regenerate (same seed, same bytes):", "", "```",
        "python3 -m venv .venv-gen && .venv-gen/bin/pip install numpy tensorboardX tensorboard",
        f".venv-gen/bin/python scripts/make_example_run.py {argv_line}", "```", "",
        "`var-d16.answers.json` holds everything below in machine-readable form (also printed by the script).", "",
        "### What happens in the run", "",
        "- 2024-12-31 13:47 (Asia/Shanghai, as VAR prints): first launch. The prefixes carry no year and the run "
        "crosses New Year: `[12-31 23:59:..]` is followed by `[01-01 00:0..]`.",
        f"- Epoch {CRASH_EPOCH - 1}: an fp16 overflow cascade (TB `scale_log2` falls to 10, `grad_norm` spikes, the loss "
        f"rises), then a crash in epoch {rs['crash_during_epoch']} after {rs['crash_after_iterations']} iterations "
        "(its iteration lines for its 0, 62, 124 are printed, no epoch line; traceback in `stderr.txt`).",
        f"- {CRASH_DOWNTIME // 60} minutes later: `RESTART` banner, `[auto_resume success] resume from ep{RESUME_EPOCH}, it0`. "
        f"Epochs {rs['epochs_logged_twice'][0]}-{rs['epochs_logged_twice'][-1]} are printed again (iterations "
        "and epoch lines), with other numbers; BEST columns start again at the resumed epoch. The LATER occurrence is "
        "the truth.",
        "- 2025-01-01 08:53: normal finish: `[PT finished]` with real values (`Lm: BEST (raw float)`), `final args:` "
        "holding the last epoch's values and the last validation result (`vL_mean` ...).",
        "- 11:06: the finished run is launched again (`resume from ep200, it0`): second `RESTART` banner, the "
        "startup prints, then `[PT finished]  Total cost: 0.0h,   Lm: 999.000 (-1),   Lt: 999.000 (-1)`. This "
        "sentinel only exists because the epoch loop ran zero times; VAR then dies on `del stats` "
        "(`UnboundLocalError` in `stderr.txt`), so no `final args:` and no log.txt line follow. It also leaves a "
        "third, empty event file (only the file_version record).", "",
        "### Traps, and the true answers", "",
        f"- Training Lt (epoch averages, threshold 5.5): first below at epoch **{fb['epoch']}** "
        f"({fb['value']:.4f}; last global step of that epoch {fb['last_step_of_epoch']}), but noisy: it goes back "
        f"above, and stays below from epoch **{lt['stays_below_from']}** on. Best {lt['best']['value']:.4f} at "
        f"epoch {lt['best']['epoch']}, last {lt['last']:.4f}. No epoch average lies within 0.0015 of 5.5, so the "
        "3-decimal stdout value, the float32 TensorBoard value and the float log.txt value all agree on the side.",
        f"- The crashed copy of epoch {CRASH_EPOCH - 1} has Lt {crashed[str(CRASH_EPOCH - 1)]['L_tail']:.4f} (above 5.5); "
        f"the resumed one is below. A reader where the FIRST occurrence wins gets stays_below_from = "
        f"{lt['if_first_occurrence_wins']['stays_below_from']} (wrong). Crashed-copy values: " +
        ", ".join(f"ep{e}: Lt {c['L_tail']:.4f}, Lm {c['L_mean']:.4f}" for e, c in crashed.items()) + ".",
        f"- Training Lm never goes below 5.5 (best {lm['best']['value']:.4f} at epoch {lm['best']['epoch']}, last "
        f"{lm['last']:.4f}): judge the threshold per metric.",
        f"- Accuracies (percent): acc_mean {ans['metrics']['acc_mean']['first']:.2f} -> "
        f"{ans['metrics']['acc_mean']['last']:.2f}, acc_tail {ans['metrics']['acc_tail']['first']:.2f} -> "
        f"{ans['metrics']['acc_tail']['last']:.2f}.",
        f"- Validation at epochs {v['epochs'][0]}, {v['epochs'][1]}, ..., {v['epochs'][-1]} ({len(v['epochs'])} points). "
        f"vL_tail minimum at epoch **{v['vL_tail']['best_epoch']}** ({v['vL_tail']['best']:.4f}), vL_mean minimum at "
        f"epoch **{v['vL_mean']['best_epoch']}** ({v['vL_mean']['best']:.4f}); both rise at every later check "
        f"(last: vL_mean {v['vL_mean']['last']:.4f}, vL_tail {v['vL_tail']['last']:.4f}) while training loss still "
        "falls: a mild overfit, onset after epoch 159.",
        f"- stdout's `[*] [epN]  (val 50000)` lines ({st['val_lines']}) print the TRAINING averages, not validation.",
        f"- log.txt holds only ep strings {lg['ep_strings'][0]} .. {lg['ep_strings'][-1]} ({lg['epoch_lines']} lines; "
        "VAR restarts the file whenever `ep` contains `1/`, the last time at '191/200'); the last line repeats "
        "'200/200' (the final `dump_log()`, `remain_time` '-'). Its validation keys repeat the epoch-189 values on "
        "'191/200'..'199/200' (stale) and change at '200/200'.",
        "- TensorBoard: the resumed run's file starts again at steps 21499 (iterations) and 86 (epochs), below "
        "where the first file ended (21999 and 88). tensorboard's EventAccumulator keeps BOTH copies for these files "
        "(file_version 2 files are purged only on a SessionLog START, which torch's writer never writes): 203 points "
        "per `AR_ep_loss/L_*` tag, duplicates at steps 86-88 and at 21499/21999. The truth keeps the later file's "
        "points from where its steps go back. `AR_iter_loss/z_voc_usage` also has steps -10000 and -1000.",
        "- The fp16 scaler is capped at 2^15 by VAR's AmpOptimizer, so `scale_log2` sits at 15 (16 for one step "
        "after each growth), starting at 11; drops to 14/13 at a few overflows and to 10 before the crash.", "",
        "| count | value |", "| --- | --- |",
        f"| epochs completed / planned | {ans['epochs_completed']} / {ans['epochs_planned']} |",
        f"| stdout.txt bytes / lines | {st['bytes']} / {st['lines']} |",
        f"| iteration lines (`=> [Ep]: [ ... eta:`) | {st['iteration_lines']} (200 x 5 + 3 x 5 repeated + 3 before the crash) |",
        f"| `Total time` lines | {st['total_time_lines']} |",
        f"| epoch lines (`[epN]  (training )`) | {st['epoch_lines']} (200 + 3 repeated) |",
        f"| val lines | {st['val_lines']} |",
        f"| RESTART banners | {st['restart_banners']} (crash-resume, relaunch) |",
        f"| `initial args:` / `final args:` / `[PT finished]` | {st['initial_args_blocks']} / {st['final_args_blocks']} / "
        f"{st['pt_finished_lines']} |",
        f"| log.txt epoch lines | {lg['epoch_lines']} |", "",
        "TensorBoard records per file (written by tensorboardX as `simple_value`; names follow torch's "
        "`events.out.tfevents.{time}.{host}.{pid}.{uid}` + VAR's `__MMDD_HHMM` suffix):", "",
        *tb_summary_rows(ans), "",
        "### Where it departs from stock VAR", "",
        f"- Stock VAR saves `ar-ckpt-last.pth` only at validation epochs, so it would resume from epoch 80. This "
        f"run behaves like a fork that also saves every 5 epochs (`[saving ckpt]` lines at every 5th epoch), "
        f"so it resumes from epoch {RESUME_EPOCH}.",
        "- `iters_train` is 250 (a 192,000-image subset), not ImageNet's 1669; `--wpe` is left at its default 0.01 "
        "(VAR's README uses 0.1 for d16). VAE parameter counts, per-scale losses, and all numbers are invented.",
        "- Event files are written by tensorboardX, not torch; the records are the same kind (`simple_value`).", ""]
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--seed", type=int, default=25)
    ap.add_argument("--answers", help="also write the answers JSON here")
    ap.add_argument("--readme", help="also write the Examples README (rendered from the answers) here")
    ap.add_argument("--no-relaunch", action="store_true",
                    help="omit the relaunch of the finished run (the source of the PT-finished sentinel)")
    a = ap.parse_args(argv)
    sim = Sim(a.seed, relaunch=not a.no_relaunch)
    sim.run()
    write_run(sim, a.outdir)
    ans = answers(sim)
    ans["seed"] = a.seed
    ans["target_misses"] = check_targets(ans)
    if ans["target_misses"]:
        print("warning: this seed misses targets: " + "; ".join(ans["target_misses"]), file=sys.stderr)
    text = json.dumps(ans, indent=1, sort_keys=False)
    if a.readme:
        shown = [a.outdir, "--seed", str(a.seed)] + (["--answers", a.answers] if a.answers else []) + (
            ["--readme", a.readme]) + (["--no-relaunch"] if a.no_relaunch else [])
        with open(a.readme, "w") as fp:
            fp.write(render_readme(ans, " ".join(shown)))
    if a.answers:
        with open(a.answers, "w") as fp:
            fp.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()

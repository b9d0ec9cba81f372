#!/usr/bin/env python3
"""Write the diagnosis fixtures: VAR runs in VAR's real folder layout whose right answers are known.

    python3 scripts/make_diagnosis_runs.py [OUTDIR]        # default Tests/Fixtures/diagnosis

Each case is a run folder (`stdout.txt`, and where the case needs them `stderr.txt`, `log.txt`
and a `tb-VARd.../` TensorBoard folder) printed with VAR's own formats (train.py, utils/misc.py,
utils/arg_util.py, see ../shared/VAR-LOGS.md): the traps included (the `(val N)` line that
prints training averages, log.txt restarted at every `1/` epoch string, validation only every
10 epochs, RESTART banners, the `[PT finished]` sentinel). The curves are simulated, not trained,
with seeded noise. `answers.json` beside the cases says what a correct diagnosis concludes; the
Swift tests (Tests/AnalysisTests/DiagnosisFixtureTests.swift) check varreport against it.

Pure Python (no numpy, no TensorBoard): same arguments, same bytes.
"""

from __future__ import annotations

import json
import math
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from varsim import prefix, time_str, timedelta_str, tfrecord, event_bytes, UNIFORM_LOSS  # noqa: E402

REPO = "/home/user/VAR"
TRAIN_PY, MISC_PY = REPO + "/train.py", REPO + "/utils/misc.py"
PN = "1_2_3_4_5_6_8_10_13_16"
HOST = "gpu-node-07"


# ----------------------------------------------------------------------------------------
# TensorBoard events (varsim.event_bytes)
# ----------------------------------------------------------------------------------------

def event(wall: float, step: int, tag: str | None = None, value: float | None = None, version: bool = False) -> bytes:
    return event_bytes(wall, step, tag, value, file_version="brain.Event:2" if version else None)


# ----------------------------------------------------------------------------------------
# The simulated run
# ----------------------------------------------------------------------------------------

def curve(x: float, c: float, tau: float, p: float, start: float = UNIFORM_LOSS) -> float:
    """A VAR-like loss: start at ln V, fall towards c (x in epochs)."""
    return c + (start - c) * (1 + x / tau) ** -p


class Case:
    """One run: the knobs a case turns, then the files it writes."""

    def __init__(self, name: str, *, epochs: int, iters: int = 250, seed: int = 1, start: float = 1735700000.0,
                 depth: int = 16, lt=(5.23, 1.31, 0.68), lm=(5.74, 1.24, 0.54), noise: float = 0.004,
                 tnm_base: float = 0.45):
        self.name, self.epochs, self.iters = name, epochs, iters
        self.rng = random.Random(seed)
        self.t = start
        self.depth = depth
        self.lt, self.lm = lt, lm
        self.noise = noise
        self.tnm_base = tnm_base
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self.log_txt: list[str] = []
        self.tb_files: list[tuple[str, list[bytes]]] = []
        self.tb: list[bytes] | None = None
        self.best = {}
        # Knobs (set by the cases).
        self.val_tail = None       # epoch -> validation L_tail
        self.val_mean = None
        self.val_acc_tail = None
        self.val_acc_mean = None
        self.nan_epochs = {}       # epoch -> 'nan' | 'inf' (the epoch average printed so)
        self.spike = {}            # (epoch, it) -> Lt printed at that iteration line
        self.tnm_decimals = 2
        self.print_its = sorted({0, iters // 4, iters // 2, 3 * iters // 4, iters - 1})
        self.pid = 4000

    # --- printing ----------------------------------------------------------------------
    def pr(self, path: str, line: int, msg: str):
        self.stdout.append(f"{prefix(self.t, path, line)} {msg}\n")

    def raw(self, text: str):
        self.stdout.append(text)

    def banner(self, copies: int = 1, stderr: bool = True):
        for _ in range(copies):
            text = "\n" * 7 + "=" * 55 + f"   RESTART {time_str(self.t)}   " + "=" * 55 + "\n"
            self.stdout.append(text)
            if stderr:
                self.stderr.append(text)

    def tb_open(self):
        name = f"events.out.tfevents.{int(self.t)}.{HOST}.{self.pid}.0"
        self.pid += 17
        self.tb = [event(self.t, 0, version=True)]
        self.tb_files.append((name, self.tb))

    def startup(self, resume: int):
        self.t += 20
        self.pr(TRAIN_PY, 36, "global bs=768, local bs=48")
        args = {"data_path": "/data/imagenet", "depth": self.depth, "bs": 768, "ep": self.epochs, "fp16": 1,
                "tblr": 0.0001, "tlr": 0.00030000000000000003, "twd": 0.05, "pn": PN, "tclip": 2.0,
                "glb_batch_size": 768, "batch_size": 48, "vL_mean": -1, "vL_tail": -1}
        body = "\n".join(f"  {k:20s}: {v}" for k, v in args.items())
        self.pr(TRAIN_PY, 37, f"initial args:\n{{\n{body}\n}}\n")
        if resume == 0:
            self.pr(TRAIN_PY, 64, f"[auto_resume] no ckpt found @ {REPO}/local_output/ar-ckpt*.pth")
            self.pr(TRAIN_PY, 64, "[auto_resume quit]")
        else:
            self.pr(TRAIN_PY, 64, f"[auto_resume] load ckpt from @ {REPO}/local_output/ar-ckpt-last.pth ...")
            self.pr(TRAIN_PY, 64, f"[auto_resume success] resume from ep{resume}, it0")
        self.pr(TRAIN_PY, 71, f"[dataloader] gbs=768, lbs=48, iters_train={self.iters}, types(tr, va)=('DatasetFolder', 'DatasetFolder')")
        self.pr(TRAIN_PY, 107, "[INIT][#para] VAR=310.28\n\n")
        self.best = {}

    # --- values ------------------------------------------------------------------------
    def loss(self, x: float, tail: bool) -> float:
        c, tau, p = self.lt if tail else self.lm
        return curve(x, c, tau, p)

    def acc(self, loss: float, tail: bool) -> float:
        return max(0.0, (UNIFORM_LOSS - loss) * (2.6 if tail else 1.9) - 0.2)

    def epoch(self, ep: int, upto: int | None = None) -> bool:
        """Iteration lines, Total time, the val line when due, the [epN] line. False: crashed mid-epoch."""
        it_end = self.iters if upto is None else upto
        samples = {"Lm": [], "Lt": [], "Accm": [], "Acct": []}
        for it in self.print_its:
            if it >= it_end:
                break
            self.t += 2.2 * (it - (self.print_its[self.print_its.index(it) - 1] if it else 0)) + 1.0
            x = ep + it / self.iters
            lm = self.loss(x, False) + self.noise * self.rng.gauss(0, 1)
            lt = self.loss(x, True) + self.noise * self.rng.gauss(0, 1)
            for k, v in (("Lm", lm), ("Lt", lt), ("Accm", self.acc(lm, False)), ("Acct", self.acc(lt, True))):
                samples[k].append(v)
            cur = {k: samples[k][-1] for k in samples}
            if (ep, it) in self.spike:
                cur["Lt"] = self.spike[(ep, it)]
            avg = {k: sum(v) / len(v) for k, v in samples.items()}
            tnm = self.tnm_base * (1 + 1.5 * math.exp(-x / 3)) * math.exp(0.06 * self.rng.gauss(0, 1))
            lr = 3e-4 * min(1.0, (x + 0.1) / max(self.epochs / 50, 0.5)) * (1 - 0.99 * max(0.0, x - self.epochs * 0.1) / self.epochs)
            nan = self.nan_epochs.get(ep)
            def f3(k):
                if nan and k in ("Lm", "Lt") and it == self.print_its[-1]:
                    return f"{nan} ({nan})"
                return f"{cur[k]:.3f} ({avg[k]:.3f})"
            line = "  ".join([f"[Ep]: [{ep:4d}/{self.epochs}]", f"[{it:4d}/{self.iters}]",
                              f"eta: {timedelta_str(int((self.iters - it) * 2.2))}", f"tlr: {lr:.2g}",
                              f"tnm: {tnm:.{self.tnm_decimals}f}", f"Lm: {f3('Lm')}", f"Lt: {f3('Lt')}",
                              f"Accm: {cur['Accm']:.2f} ({avg['Accm']:.2f})", f"Acct: {cur['Acct']:.2f} ({avg['Acct']:.2f})",
                              "time: 2.2012", "data: 0.0011"])
            self.pr(MISC_PY, 314, line)
            g = ep * self.iters + it
            if self.tb is not None and (g == 0 or (g + 1) % 500 == 0):
                self.tb.append(event(self.t, g, "AR_opt_grad/grad/grad_norm", tnm))
        if upto is not None:
            return False
        self.t += 2.2 * (self.iters - self.print_its[-1])
        self.pr(MISC_PY, 336, f"[Ep]: [{ep:4d}/{self.epochs}]   Total time:      {timedelta_str(int(self.iters * 2.2))}   (2.200 s / it)")
        x = ep + 0.5
        lm = self.loss(x, False) + self.noise * self.rng.gauss(0, 1) / 3
        lt = self.loss(x, True) + self.noise * self.rng.gauss(0, 1) / 3
        am, at = self.acc(lm, False), self.acc(lt, True)
        nan = self.nan_epochs.get(ep)
        if nan:
            lm = lt = float(nan)
        for k, v in (("Lm", lm), ("Lt", lt)):
            if math.isfinite(v):
                self.best[k] = min(self.best.get(k, 999.0), v)
        self.best["Accm"] = max(self.best.get("Accm", -1.0), am)
        self.best["Acct"] = max(self.best.get("Acct", -1.0), at)
        val = None
        if (ep + 1) % 10 == 0 or ep + 1 == self.epochs:
            self.t += 48
            self.pr(TRAIN_PY, 216, f" [*] [ep{ep}]  (val 50000)  Lm: {lm:.4f}, Lt: {lt:.4f}, Acc m&t: {am:.2f} {at:.2f},  Val cost: 48.31s")
            if self.val_tail:
                val = (self.val_mean(ep), self.val_tail(ep), self.val_acc_mean(ep), self.val_acc_tail(ep))
        remain = timedelta_str(int((self.epochs - ep - 1) * self.iters * 2.2))
        def pair(k, v):
            return f"{self.best.get(k, 999.0):.3f} ({v:.3f})" if math.isfinite(v) else f"{self.best.get(k, 999.0):.3f} ({v})"
        self.pr(TRAIN_PY, 233, f"     [ep{ep}]  (training )  Lm: {pair('Lm', lm)}, Lt: {pair('Lt', lt)},  "
                               f"Acc m&t: {self.best['Accm']:.2f} {self.best['Acct']:.2f},  Remain: {remain},  Finish: 2025-01-10 12:00")
        if self.tb is not None:
            for tag, v in (("L_mean", lm), ("L_tail", lt), ("acc_mean", am), ("acc_tail", at)):
                self.tb.append(event(self.t, ep + 1, "AR_ep_loss/" + tag, v))
            if val:
                for tag, v in zip(("vL_mean", "vL_tail", "vacc_mean", "vacc_tail"), val):
                    self.tb.append(event(self.t, ep + 1, "AR_ep_loss/" + tag, v))
        self.dump_log(ep, lm, lt, am, at, val)
        return True

    def dump_log(self, ep, lm, lt, am, at, val):
        """VAR's Args.dump_log: the file starts afresh whenever the ep string contains '1/'."""
        ep_str = f"{ep + 1}/{self.epochs}"
        if "1/" in ep_str or not self.log_txt:
            header = {"is_master": True, "name": "var", "cmd": f"--depth={self.depth} --ep={self.epochs}",
                      "commit": "0" * 40, "branch": "main", "tb_log_dir_path": "local_output/tb"}
            self.log_txt = [json.dumps(header, indent=0) + "\n"]
        last = getattr(self, "_last_val", None)
        if val:
            self._last_val = val
            last = val
        d = {"it": f"{self.iters}/{self.iters}", "ep": ep_str, "lr": 3e-4, "wd": 0.05, "grad_norm": 0.5,
             "L_mean": lm, "L_tail": lt, "acc_mean": am, "acc_tail": at,
             "vL_mean": last[0] if last else None, "vL_tail": last[1] if last else None,
             "vacc_mean": last[2] if last else None, "vacc_tail": last[3] if last else None,
             "remain_time": "-", "finish_time": "-"}
        self.log_txt.append(repr(d) + "\n")

    def finish(self):
        lm, lt = self.best.get("Lm", 999.0), self.best.get("Lt", 999.0)
        self.pr(TRAIN_PY, 240, f"  [*] [PT finished]  Total cost: 9.9h,   Lm: {lm:.3f} ({lm}),   Lt: {lt:.3f} ({lt})")
        last = getattr(self, "_last_val", None) or (-1, -1, -1, -1)
        body = "\n".join(f"  {k:20s}: {v}" for k, v in {"depth": self.depth, "ep": self.epochs, "vL_mean": last[0],
                                                         "vL_tail": last[1], "vacc_mean": last[2], "vacc_tail": last[3]}.items())
        self.pr(TRAIN_PY, 248, f"final args:\n\n{{\n{body}\n}}\n")

    def idle_relaunch(self, resume: int, copies: int = 1, gap: float = 3600):
        """A relaunch that trains nothing (a finished run started again)."""
        self.t += gap
        self.banner(copies)
        self.tb_open()
        self.startup(resume)
        self.pr(TRAIN_PY, 240, "  [*] [PT finished]  Total cost: 0.0h,   Lm: 999.000 (-1),   Lt: 999.000 (-1)")
        self.stderr.append("Traceback (most recent call last):\n  File \"/home/user/VAR/train.py\", line 331, in <module>\n"
                           "    try: main_training()\n  File \"/home/user/VAR/train.py\", line 243, in main_training\n"
                           "    del stats\nUnboundLocalError: local variable 'stats' referenced before assignment\n")

    def write(self, root: str, *, log_txt: bool = True, tb: bool = True):
        d = os.path.join(root, self.name)
        os.makedirs(d, exist_ok=True)
        for f in os.listdir(d):
            p = os.path.join(d, f)
            if os.path.isfile(p):
                os.remove(p)
        with open(os.path.join(d, "stdout.txt"), "w") as f:
            f.write("".join(self.stdout))
        if self.stderr:
            with open(os.path.join(d, "stderr.txt"), "w") as f:
                f.write("".join(self.stderr))
        if log_txt and self.log_txt:
            with open(os.path.join(d, "log.txt"), "w") as f:
                f.write("".join(self.log_txt))
        if tb and self.tb_files:
            td = os.path.join(d, f"tb-VARd{self.depth}__pn{PN}__b768ep{self.epochs}adamlr0.0001wd0.05")
            os.makedirs(td, exist_ok=True)
            for f in os.listdir(td):
                os.remove(os.path.join(td, f))
            for name, events in self.tb_files:
                with open(os.path.join(td, name), "wb") as f:
                    f.write(b"".join(tfrecord(e) for e in events))


# ----------------------------------------------------------------------------------------
# The cases
# ----------------------------------------------------------------------------------------

def overfit_60() -> tuple[Case, dict]:
    """60 epochs validated every 10: val/loss_tail lowest at 39, higher at 49 and 59; val/acc_tail
    falls at the same checks; val/loss_mean improves until 49; training keeps falling."""
    c = Case("overfit-60", epochs=60, seed=3, lt=(5.0, 1.6, 0.75), lm=(5.6, 1.5, 0.6))
    vt = {9: 6.12, 19: 5.71, 29: 5.53, 39: 5.468, 49: 5.497, 59: 5.541}
    vm = {9: 6.61, 19: 6.27, 29: 6.12, 39: 6.061, 49: 6.049, 59: 6.066}
    vat = {9: 3.91, 19: 4.82, 29: 5.31, 39: 5.52, 49: 5.41, 59: 5.27}
    vam = {9: 2.61, 19: 3.10, 29: 3.41, 39: 3.52, 49: 3.55, 59: 3.56}
    c.val_tail, c.val_mean, c.val_acc_tail, c.val_acc_mean = vt.get, vm.get, vat.get, vam.get
    c.tb_open()
    c.startup(0)
    for ep in range(60):
        c.epoch(ep)
    c.finish()
    return c, {"status": "finished", "verdict": "overfitting", "overfitting_metric": "val/loss_tail",
               "best_epoch": 39, "onset_epoch": 49,
               "per_metric": {"val/loss_tail": [39, True], "val/acc_tail": [39, True], "val/loss_mean": [49, False],
                              "val/acc_mean": [59, False]},
               "early_stop_best_epoch": 39}


def spike_once() -> tuple[Case, dict]:
    """100 epochs, stdout only: one logged iteration at epoch 6 prints Lt 7.700 where its
    neighbours are near 6.0; gradient norms printed with 2 decimals wobble by a few hundredths."""
    c = Case("spike-once", epochs=100, seed=5, tnm_base=0.17)
    c.spike[(6, c.print_its[2])] = 7.7
    c.startup(0)
    for ep in range(100):
        c.epoch(ep)
    c.finish()
    return c, {"status": "finished", "loss_spikes": 1, "spike_step": 6 * c.iters + c.print_its[2], "spike_epoch": 6,
               "grad_norm_spikes": 0}


def nan_recovered() -> tuple[Case, dict]:
    """A NaN epoch average at epoch 6 and an inf one at epoch 9, then finite, falling losses to the end."""
    c = Case("nan-recovered", epochs=40, seed=7)
    c.nan_epochs = {6: "nan", 9: "inf"}
    c.startup(0)
    for ep in range(40):
        c.epoch(ep)
    c.finish()
    return c, {"status": "finished", "diverged": False, "non_finite_epochs": [6, 9]}


def crashed_finetune() -> tuple[Case, dict]:
    """A fine-tune planned for 20 epochs, launched with torchrun and its output redirected into
    stdout.txt: epoch 8 is cut off by a SIGKILL; the log ends with torchrun's error report."""
    c = Case("crashed-finetune", epochs=20, seed=11, lt=(5.1, 0.4, 0.5), lm=(5.7, 0.4, 0.5))
    c.startup(0)
    for ep in range(8):
        c.epoch(ep)
    c.epoch(8, upto=c.iters // 2 + 1)
    c.t += 40
    c.raw("WARNING:torch.distributed.elastic.multiprocessing.api:Sending process 4101 closing signal SIGTERM\n")
    c.raw("ERROR:torch.distributed.elastic.multiprocessing.api:failed (exitcode: -9) local_rank: 0 (pid: 4100) of binary: /usr/bin/python3\n")
    c.raw("Traceback (most recent call last):\n  File \"/usr/local/bin/torchrun\", line 8, in <module>\n"
          "    sys.exit(main())\n")
    c.raw("torch.distributed.elastic.multiprocessing.errors.ChildFailedError: \n"
          "============================================================\ntrain.py FAILED\n"
          "------------------------------------------------------------\nFailures:\n  <NO_OTHER_FAILURES>\n"
          "------------------------------------------------------------\nRoot Cause (first observed failure):\n[0]:\n"
          "  time      : 2025-01-01_12:07:00\n  host      : gpu-node-07\n  rank      : 0 (local_rank: 0)\n"
          "  exitcode  : -9 (pid: 4100)\n  error_file: <N/A>\n  traceback : Signal 9 (SIGKILL) received by PID 4100\n"
          "============================================================\n")
    return c, {"status": "crashed", "epochs_completed": 8, "epochs_planned": 20}


def relaunches() -> tuple[Case, dict]:
    """Launch 1 dies at start-up (CUDA OOM, nothing trained); launch 2 trains epochs 0-27 and
    crashes in epoch 28; launch 3 resumes at 20 and finishes 60; then three relaunches after the
    end, each RESTART banner printed by 4 ranks in the same second."""
    c = Case("relaunches", epochs=60, seed=13)
    c.startup(0)
    c.stderr.append("torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB\n")
    c.t += 300
    c.banner(copies=4)
    c.tb_open()
    c.startup(0)
    for ep in range(28):
        c.epoch(ep)
    c.epoch(28, upto=c.iters // 2)
    c.stderr.append("RuntimeError: CUDA error: an illegal memory access was encountered\n")
    c.t += 1800
    c.banner(copies=4)
    c.tb_open()
    c.startup(20)
    for ep in range(20, 60):
        c.epoch(ep)
    c.finish()
    for k in range(3):
        c.idle_relaunch(60, copies=4, gap=3600 * (k + 1))
    return c, {"status": "finished", "launches": 6, "restarts": 1, "restart_epochs": [20], "idle_launches": 4,
               "roles": ["idle-before-training", "first", "restart", "idle-after-end", "idle-after-end", "idle-after-end"]}


def stopped() -> tuple[Case, dict]:
    """40 of 100 epochs, then nothing: no end marker, no crash in the logs (a preempted job)."""
    c = Case("stopped", epochs=100, seed=17)
    c.startup(0)
    for ep in range(40):
        c.epoch(ep)
    return c, {"status": "stopped or running by age", "epochs_completed": 40}


def long_run() -> tuple[Case, dict]:
    """A 200-epoch VAR-d16 run as real ones look: validation every 10 epochs, noisy 2-decimal
    gradient norms, Lt below 5.5 from the forties and Lm never; the loss still creeping down at the
    end of the schedule."""
    c = Case("long-200", epochs=200, seed=19, noise=0.006)
    c.val_tail = lambda e: curve(e + 1, 5.30, 1.2, 0.7) + 0.004 * math.sin(e)
    c.val_mean = lambda e: curve(e + 1, 5.86, 1.2, 0.6) + 0.004 * math.cos(e)
    c.val_acc_tail = lambda e: 6.6 - 3 * (1 + e / 10) ** -1
    c.val_acc_mean = lambda e: 4.3 - 2 * (1 + e / 10) ** -1
    c.tb_open()
    c.startup(0)
    for ep in range(200):
        c.epoch(ep)
    c.finish()
    return c, {"status": "finished", "grad_norm_spikes_at_most": 0, "no_far_projection": True}


CASES = [overfit_60, spike_once, nan_recovered, crashed_finetune, relaunches, stopped, long_run]


def small_loss_csv(root: str) -> dict:
    """A fork's CSV whose losses are about 0.5 (a per-bit loss, not a 4096-way one)."""
    rng = random.Random(23)
    d = os.path.join(root, "small-loss")
    os.makedirs(d, exist_ok=True)
    rows = ["step,loss,val_loss"]
    for s in range(0, 20000, 100):
        x = s / 20000
        loss = 0.45 + 0.25 * (1 + 10 * x) ** -0.8 + 0.004 * rng.gauss(0, 1)
        val = "" if s % 2000 != 1900 else f"{0.46 + 0.25 * (1 + 10 * x) ** -0.8:.4f}"
        rows.append(f"{s},{loss:.4f},{val}")
    with open(os.path.join(d, "metrics.csv"), "w") as f:
        f.write("\n".join(rows) + "\n")
    return {"threshold_applied": False}


def main(argv=None):
    argv = argv if argv is not None else sys.argv[1:]
    root = argv[0] if argv else os.path.join(os.path.dirname(__file__), "..", "Tests", "Fixtures", "diagnosis")
    answers = {}
    for make in CASES:
        case, ans = make()
        case.write(root, log_txt=case.val_tail is not None, tb=bool(case.tb_files))
        answers[case.name] = ans
    answers["small-loss"] = small_loss_csv(root)
    with open(os.path.join(root, "answers.json"), "w") as f:
        json.dump(answers, f, indent=1, sort_keys=True)
        f.write("\n")
    print(json.dumps(answers, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()

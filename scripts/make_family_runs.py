#!/usr/bin/env python3
"""Writes the fixtures of VAR's descendants' logs: Tests/Fixtures/families/.

Deterministic (fixed seeds): run it again and `git diff` stays empty. No third-party logs are
copied; the lines follow the format of the trainers' logging code.

- llamagen-c2i/log.txt: a LlamaGen class-conditional run as its logger writes results/NNN/log.txt
  (ANSI-coloured `[YYYY-MM-DD HH:MM:SS]` times, `Namespace(...)` args, `(step=NNNNNNN) Train Loss:
  L, Train Steps/Sec: S` every 100 steps, `Beginning epoch N...`, `Done!`); 3 epochs of 1000 steps
  (256,000 images, batch 256), vocabulary 16384, a resume from the step-2000 checkpoint that logs
  steps 2100-2200 twice, and a tqdm bar glued before one line.
- mlflow/mlruns/1/<run>/: two runs of an MLflow file store (metrics/<key> lines `timestamp value
  step`, keys with slashes as folders, params/, meta.yaml): `d16-finished` (status 3) with
  train/loss every 50 steps and val/loss every 500 that rises after step 3000, and `d20-killed`
  (status 5) that stops at step 1500.
- llamagen-fork/stdout.txt: a fork's console without ANSI codes that prints `Train Sec/Step`,
  `Current learning rate` and `Max Grad Norm`, stopped at step 600 of 3 epochs with no `Done!`.
"""
import math
import os
import random

ROOT = os.path.join(os.path.dirname(__file__), "..", "Tests", "Fixtures", "families")
BLUE, RESET = "\x1b[34m", "\x1b[0m"


def stamp(t, ansi=True):
    h, m, s = t // 3600, (t // 60) % 60, t % 60
    text = f"2024-06-01 {10 + h:02d}:{m:02d}:{s:02d}"
    return f"[{BLUE}{text}{RESET}]" if ansi else f"[{text}]"


def loss_at(step, rng):
    # From ln 16384 = 9.70 down towards ~7.6, with logging noise.
    return 7.6 + 2.1 * math.exp(-step / 700) + rng.gauss(0, 0.02)


def llamagen_c2i():
    rng = random.Random(16384)
    lines, t = [], 0

    def log(msg, ansi=True):
        lines.append(f"{stamp(t, ansi)} {msg}")

    log("Experiment directory created at results/000-GPT-B")
    log("Namespace(code_path='/data/imagenet_code_c2i', gpt_model='GPT-B', gpt_type='c2i', vocab_size=16384, "
        "cls_token_num=1, dropout_p=0.1, image_size=256, downsample_size=16, num_classes=1000, epochs=3, lr=0.0001, "
        "weight_decay=0.05, max_grad_norm=1.0, global_batch_size=256, global_seed=0, log_every=100, ckpt_every=1000, "
        "mixed_precision='bf16')")
    log("Starting rank=0, seed=0, world_size=8.")
    log("GPT Parameters: 111,060,736")
    log("Dataset contains 256,000 images (/data/imagenet_code_c2i) with flip augmentation and 1 crop augmentation")
    log("Training for 3 epochs...")

    def train(first_step, last_step, epoch_of):
        nonlocal t
        epoch = None
        for step in range(first_step, last_step + 1, 100):
            e = (step - 1) // 1000
            if e != epoch:
                epoch = e
                log(f"Beginning epoch {e}...")
            t += 38
            line = f"{stamp(t)} (step={step:07d}) Train Loss: {loss_at(step, rng):.4f}, Train Steps/Sec: {2.6 + rng.gauss(0, 0.02):.2f}"
            if step == 700:
                line = "  5%|#         | 35/500 [00:13<02:59,  2.59it/s]\r" + line
            lines.append(line)
            if step % 1000 == 0:
                log(f"Saved checkpoint to results/000-GPT-B/checkpoints/{step:07d}.pt")

    train(100, 2200, None)
    t += 600
    # The job was restarted from the step-2000 checkpoint: steps 2100 and 2200 are logged again.
    log("Resume training from checkpoint: results/000-GPT-B/checkpoints/0002000.pt")
    log("Initial state: steps=2000, epochs=2")
    train(2100, 3000, None)
    log("Done!")
    write("llamagen-c2i", "log.txt", lines)


def llamagen_fork():
    rng = random.Random(7)
    lines, t = [], 0
    lines.append(f"{stamp(t, False)} Namespace(gpt_model='GPT-L', vocab_size=16384, epochs=3, global_batch_size=256, lr=0.0002)")
    lines.append(f"{stamp(t, False)} Dataset contains 128,000 images (/data/codes) without flip augmentation and 1 crop augmentation")
    lines.append(f"{stamp(t, False)} Training for 3 epochs...")
    for step in range(100, 601, 100):
        t += 41
        lr = 2e-4 * min(1.0, step / 300)
        lines.append(f"{stamp(t, False)} (step={step:07d}) Train Loss: {loss_at(step, rng):.4f}, Train Sec/Step: "
                     f"{0.39 + rng.gauss(0, 0.005):.3f}, Current learning rate: {lr:.6f}, Max Grad Norm: {0.9 + rng.gauss(0, 0.05):.3f}")
    write("llamagen-fork", "stdout.txt", lines)


def write(folder, name, lines):
    d = os.path.join(ROOT, folder)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "w", newline="\n") as f:
        f.write("\n".join(lines) + "\n")


def mlflow():
    exp = os.path.join(ROOT, "mlflow", "mlruns", "1")
    for run_id, name, depth, last_step, status in [("a1b2c3d4e5f60718293a4b5c6d7e8f90", "d16-finished", 16, 5000, 3),
                                                    ("0f9e8d7c6b5a49382716a5b4c3d2e1f0", "d20-killed", 20, 1500, 5)]:
        rng = random.Random(depth)
        d = os.path.join(exp, run_id)
        t0 = 1717236000000
        metrics = {"train/loss": [], "val/loss": [], "lr": []}
        for step in range(0, last_step + 1, 50):
            t = t0 + step * 400
            metrics["train/loss"].append((t, 5.6 + 2.7 * math.exp(-step / 900) + rng.gauss(0, 0.03), step))
            metrics["lr"].append((t, 1e-4 * min(1.0, (step + 50) / 500), step))
            if step % 500 == 0 and step > 0:
                rise = 0.00004 * (step - 3000) if step > 3000 else 0.0
                metrics["val/loss"].append((t, 5.75 + 2.6 * math.exp(-step / 900) + rise + rng.gauss(0, 0.005), step))
        for key, rows in metrics.items():
            path = os.path.join(d, "metrics", *key.split("/"))
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", newline="\n") as f:
                f.write("".join(f"{t} {v!r} {s}\n" for t, v, s in rows))
        params = {"depth": str(depth), "lr": "0.0001", "batch_size": "256", "vocab": "4096"}
        os.makedirs(os.path.join(d, "params"), exist_ok=True)
        for k, v in params.items():
            with open(os.path.join(d, "params", k), "w", newline="\n") as f:
                f.write(v)
        os.makedirs(os.path.join(d, "tags"), exist_ok=True)
        with open(os.path.join(d, "tags", "mlflow.runName"), "w", newline="\n") as f:
            f.write(name)
        end = t0 + last_step * 400 + 1000
        with open(os.path.join(d, "meta.yaml"), "w", newline="\n") as f:
            f.write(f"artifact_uri: file:///tmp/mlruns/1/{run_id}/artifacts\nend_time: {end}\nentry_point_name: ''\n"
                    f"experiment_id: '1'\nlifecycle_stage: active\nrun_id: {run_id}\nrun_name: {name}\n"
                    f"run_uuid: {run_id}\nsource_name: ''\nsource_type: 4\nsource_version: ''\nstart_time: {t0}\n"
                    f"status: {status}\ntags: []\nuser_id: researcher\n")


if __name__ == "__main__":
    llamagen_c2i()
    llamagen_fork()
    mlflow()

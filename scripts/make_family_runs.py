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
- infinity-ft/stdout.txt: an Infinity fine-tune as train.py and infinity/utils/misc.py print it
  (dist.py's `[MM-DD HH:MM:SS] (file, line N)=>` prefix): `initial args:` with Infinity's keys,
  `[dataloader] ... iters_train=152`, iteration lines `[Ep]: [   0/20]:  [ 50/152]  eta: ...
  tlr: 3e-05  tnm: 0.45 (1.46)  Lm: 0.580 (0.636)  Lt: ...  Accm: ...  Acct: ...  T: 5.113s
  dataT: 0.1ms` (note the colon after the epoch field), `Cost of this ep` lines, epoch summaries
  `[*] [ep0]  Lmean: best (current), Ltail best (current),  Acc m-t: best best,  Remain: ...`,
  `VAL 50000 |` lines every 5 epochs (which print the training means: a trap), and
  `[*] [PT finished]`. Losses are per-bit cross-entropies (from ln 2 = 0.693 down to ~0.55),
  accuracies bit accuracies (50 % up to ~72 %). 20 epochs, all finished. infinity-ft/log.txt: the
  one JSON object arg_util.dump_log overwrites after each epoch (best losses Lnll / Ld, cur_ep).
- wandb/run-20240601_100000-d16wb001/run-d16wb001.wandb: a W&B offline run's record stream as
  wandb/sdk/internal/datastore.py frames it (`:W&B` header, 32 KiB blocks of chunks with a CRC-32
  of type + payload, records split FIRST/MIDDLE/LAST across blocks) holding protobuf Records
  (wandb_internal.proto): the run (display name), the config (depth, ep, tblr), 3,000 history
  rows with VAR's keys (L_mean, L_tail, acc_mean, acc_tail, lr, grad_norm; vL_mean / vL_tail every
  500 steps, rising after step 2000), a console line, the exit record (code 0), and the side file
  files/wandb-summary.json. wandb-live/...: the same run cut off inside a record, as a run still
  being written leaves it. wandb-crashed/...: 1,500 rows, a traceback ending in CUDA out of memory
  on the console, exit code 1.
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


def infinity_ft():
    rng = random.Random(2)
    epochs, iters, freq = 20, 152, 50
    lines, t = [], 0

    def prt(msg, where="(t/tiger/run/Infinity/train.py, line 441)"):
        h, m, sec = 10 + t // 3600, (t // 60) % 60, t % 60
        lines.append(f"[06-01 {h % 24:02d}:{m:02d}:{sec:02d}] {where}=> {msg}")

    prt("initial args:")
    for k, v in [("model", "2bc8"), ("vae_type", "32"), ("apply_spatial_patchify", "0"), ("t5_path", "/models/flan-t5-xl"),
                 ("ep", str(epochs)), ("tblr", "3e-05"), ("bs", "64"), ("pn", "1M"), ("seed", "0")]:
        lines.append(f"  {k:<24s}: {v}")
    prt(f"[dataloader] gbs=64, lbs=8, iters_train={iters}, type(train_set)=<class 'T2IIterableDataset'>", "(/Infinity/train.py      , line 272)")
    prt("[PT][#para] Infinity=2205.03, T5=2851.48", "(/Infinity/train.py      , line 145)")
    best_m = best_t = 9.0
    best_am = best_at = 0.0
    for ep in range(epochs):
        lm = lt = am = at = 0.0
        n = 0
        log_its = sorted(set(range(0, iters, freq)) | {iters - 1})
        for it in log_its:
            g = ep * iters + it
            frac = g / (epochs * iters)
            lm = 0.55 + 0.14 * math.exp(-g / 600) + rng.gauss(0, 0.004)
            lt = lm - 0.02 + rng.gauss(0, 0.004)
            am = 72 - 22 * math.exp(-g / 600) + rng.gauss(0, 0.3)
            at = am + 1.5
            n += 1
            t += 152
            tnm = 0.4 + rng.random() * 0.1
            prt(f"[Ep]: [{ep:4d}/{epochs}]:  [{it:3d}/{iters}]  eta: 0:{(iters - it) * 5 // 60:02d}:{(iters - it) * 5 % 60:02d}  "
                f"tlr: {3e-5 * (1 - 0.5 * frac):.2g}  tnm: {tnm:.2f} ({tnm + 0.9:.2f})  Lm: {lm:.3f} ({lm + 0.03:.3f})  "
                f"Lt: {lt:.3f} ({lt + 0.03:.3f})  Accm: {am:.2f} ({am - 1:.2f})  Acct: {at:.2f} ({at - 1:.2f})  "
                f"T: {5 + rng.random():.3f}s  dataT: {rng.random():.1f}ms", "(a/Infinity/utils/misc.py, line 283)")
        prt(f"[Ep]: [{ep:4d}/{epochs}]   Cost of this ep:      0:12:40   (5.000 s / it)", "(a/Infinity/utils/misc.py, line 287)")
        best_m, best_t = min(best_m, lm), min(best_t, lt)
        best_am, best_at = max(best_am, am), max(best_at, at)
        if (ep + 1) % 5 == 0:
            # Infinity prints the training means here, under "VAL".
            prt(f"  [*] [ep{ep}]  VAL 50000  |  Lm: {lm:.4f}, Lt: {lt:.4f}, Accm: {am:.2f}, Acct: {at:.2f}, cost: 61.20s")
        prt(f"  [*] [ep{ep}]  Lmean: {best_m:.3f} ({lm:.3f}), Ltail {best_t:.3f} ({lt:.3f}),  Acc m-t: {best_am:.2f} {best_at:.2f},  "
            f"Remain: 3:{59 - ep:02d}:00,  Finish: 06-02 02:00")
    lines.append("")
    lines.append("")
    prt(f"  [*] [PT finished]  Total Time: 4.2h,   Lm: {best_m:.3f} ({lm}),   Lt: {best_t:.3f} ({lt})")
    write("infinity-ft", "stdout.txt", lines)
    # arg_util.dump_log: one JSON object, overwritten after every epoch (the last one's here).
    import json
    log = {"is_master": True, "name": "infinity-ft", "cmd": "--ep=20 --tblr=3e-05", "commit": "0a1b2c3", "branch": "main",
           "Lnll": round(best_m, 4), "Ld": round(best_t, 4), "acc_r": round(best_am, 2), "acc_f": round(best_at, 2),
           "weiG": 0.45, "cur": "AR", "cur_ep": f"{epochs}/{epochs}", "cur_it": "-", "rema": "0:00:00",
           "fini": "06-02 02:00", "last_upd": "2024-06-01 14:12", "bsep": f"64/{epochs}", "T_lrwd": "3e-5/0.05"}
    write("infinity-ft", "log.txt", json.dumps(log, indent=2).split("\n"))


def varint(v):
    out = bytearray()
    v &= (1 << 64) - 1
    while True:
        b = v & 0x7F
        v >>= 7
        out.append(b | (0x80 if v else 0))
        if not v:
            return bytes(out)


def field_bytes(num, data):
    return varint(num << 3 | 2) + varint(len(data)) + data


def field_varint(num, v):
    return varint(num << 3) + varint(v)


def wandb_item(key, value_json):
    return field_bytes(1, key.encode()) + field_bytes(16, value_json.encode())


def wandb_frame(records):
    """W&B's LevelDB-log framing: header, then chunks that never cross a 32 KiB block."""
    import struct
    import zlib
    out = bytearray(b":W&B" + struct.pack("<HB", 0xBEE1, 0))
    block = 32768
    for rec in records:
        data, first = rec, True
        while True:
            left = block - len(out) % block
            if left < 7:
                out += b"\0" * left
                left = block
            room = left - 7
            piece, data = data[:room], data[room:]
            last = not data
            kind = 1 if first and last else 2 if first else 4 if last else 3
            out += struct.pack("<IHB", zlib.crc32(bytes([kind]) + piece) & 0xFFFFFFFF, len(piece), kind) + piece
            first = False
            if last:
                break
    return bytes(out)


def wandb_offline():
    rng = random.Random(7)
    recs = []
    run = field_bytes(1, b"d16wb001") + field_bytes(3, b"var-runs") + field_bytes(8, b"d16-wandb")
    recs.append(field_varint(1, 1) + field_bytes(17, run))
    cfg = b"".join(field_bytes(1, wandb_item(k, v)) for k, v in
                   [("depth", '{"desc": null, "value": 16}'), ("ep", "30"), ("tblr", "0.0001"), ("bs", "768")])
    recs.append(field_varint(1, 2) + field_bytes(5, cfg))
    t0 = 1717236000.0
    for step in range(3000):
        lm = 5.9 + 2.4 * math.exp(-step / 400) + rng.gauss(0, 0.01)
        items = [("_step", str(step)), ("_timestamp", f"{t0 + step * 1.2:.3f}"), ("_runtime", f"{step * 1.2:.1f}"),
                 ("L_mean", f"{lm:.6f}"), ("L_tail", f"{lm - 0.45:.6f}"), ("acc_mean", f"{3 + 2 * (1 - math.exp(-step / 400)):.4f}"),
                 ("acc_tail", f"{4 + 3 * (1 - math.exp(-step / 400)):.4f}"), ("lr", f"{1e-4 * (1 - step / 3000):.8g}"),
                 ("grad_norm", "NaN" if step == 1234 else f"{0.5 + rng.random() * 0.1:.4f}")]
        if step % 500 == 499:
            v = 6.1 + 0.08 * max(0, step - 2000) / 500 - 0.1 * min(step, 2000) / 2000
            items += [("vL_mean", f"{v:.5f}"), ("vL_tail", f"{v - 0.5:.5f}")]
        hist = b"".join(field_bytes(1, wandb_item(k, v)) for k, v in items) + field_bytes(2, field_varint(1, step))
        recs.append(field_varint(1, 3 + step) + field_bytes(2, hist))
    def console(text):   # OutputRawRecord { output_type = 1 (stdout), line = 3 }
        return field_bytes(13, field_varint(1, 1) + field_bytes(3, text.encode()))
    recs.insert(2, field_varint(1, 3) + console("[06-01 10:00:00] (/VAR/train.py, line 100)=> initial args: ...\n"))
    finished = recs + [field_varint(1, 9999) + field_bytes(18, field_varint(1, 0))]
    crashed = recs[:1500] + [field_varint(1, 9998) + console("Traceback (most recent call last):\n  File \"train.py\", line 300, in main\n"),
                             field_varint(1, 9999) + console("torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB\n"),
                             field_varint(1, 10000) + field_bytes(18, field_varint(1, 1))]
    data = wandb_frame(finished)
    for folder, blob in [("wandb/run-20240601_100000-d16wb001", data), ("wandb-live/run-20240601_100000-d16wb001", data[:len(data) * 2 // 3]),
                         ("wandb-crashed/run-20240601_100000-d16wb001", wandb_frame(crashed))]:
        d = os.path.join(ROOT, folder)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "run-d16wb001.wandb"), "wb") as f:
            f.write(blob)
    # The side files W&B writes beside it: a summary (one JSON object) that is not read.
    files = os.path.join(ROOT, "wandb/run-20240601_100000-d16wb001/files")
    os.makedirs(files, exist_ok=True)
    with open(os.path.join(files, "wandb-summary.json"), "w", newline="\n") as f:
        f.write('{"L_mean": 5.9, "_step": 2999, "_runtime": 3600}\n')


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
    wandb_offline()
    infinity_ft()
    llamagen_c2i()
    llamagen_fork()
    mlflow()

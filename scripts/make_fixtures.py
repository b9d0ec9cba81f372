#!/usr/bin/env python3
"""Write the reader test fixtures into Tests/Fixtures/ (and their README with the true values).

    python3 scripts/make_fixtures.py [--out Tests/Fixtures]

Every fixture is small (< 100 KB) and deterministic.  Event files are written three ways:
tensorboardX (tbx-simple), tensorboard's own EventFileWriter with TF2-style tensor scalars
(tb-tensor), and hand-framed TFRecords (restart, damaged).  The VAR text fixtures reproduce
the traps listed in shared/VAR-LOGS.md.  Needs numpy, tensorboardX and tensorboard.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import struct
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import varsim  # noqa: E402
from varsim import prefix, tfrecord, split_records  # noqa: E402

T0 = 1717200000.0          # 2024-06-01 00:00:00 UTC, wall time of every fixture
HOST = "fixture-host"
README: list[str] = []     # collected as fixtures are written


def note(*lines: str):
    """Append lines to the README being built."""
    README.extend(lines)


def write_bytes(path: str, data: bytes):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as fp:
        fp.write(data)


def f32(v: float) -> float:
    return float(np.float32(v))


# ----------------------------------------------------------------------------------------
# Event files
# ----------------------------------------------------------------------------------------

def record_table(blob: bytes, labels: list[str]) -> list[str]:
    """README rows: index, byte offset, payload length, what the record holds."""
    rows = ["| # | offset | payload bytes | record |", "| --- | --- | --- | --- |"]
    for i, ((off, payload), label) in enumerate(zip(split_records(blob), labels)):
        rows.append(f"| {i} | {off} | {len(payload)} | {label} |")
    return rows


def make_tbx_simple(out: str) -> tuple[str, bytes, list[str]]:
    """tensorboardX SummaryWriter, simple_value scalars with known values."""
    scalars = [("loss", v, s) for s, v in enumerate((2.5, 2.0, 1.75, 1.5, 1.25))]
    scalars += [("lr", v, s) for s, v in ((0, 0.001), (2, 0.0005), (4, 0.00025))]
    scalars += [("AR_ep_loss/L_tail", v, s) for s, v in ((1, 8.3125), (2, 7.5), (3, 6.25))]
    order = [scalars[i] for i in (0, 5, 8, 1, 9, 2, 6, 10, 3, 4, 7)]   # interleaved, as a run writes
    path = os.path.join(out, "tfevents/tbx-simple/events.out.tfevents.1717200000.fixture-host")
    varsim.write_tbx_scalars(path, T0, HOST, [(t, v, s, T0 + 1 + s) for t, v, s in order])
    blob = open(path, "rb").read()
    labels = ["file_version 'brain.Event:2', wall_time 1717200000"] + [
        f"`{t}` step {s} simple_value {f32(v)!r}" for t, v, s in order]
    note("## tfevents/tbx-simple/",
         "Written by tensorboardX 2.6 `SummaryWriter.add_scalar` (simple_value, float32). "
         f"{len(blob)} bytes, 12 records: file_version + 11 scalars, wall_time = 1717200001 + step.",
         "",
         "| tag | steps | values (float32 as read) |", "| --- | --- | --- |",
         "| `loss` | 0,1,2,3,4 | 2.5, 2.0, 1.75, 1.5, 1.25 |",
         f"| `lr` | 0,2,4 | {f32(0.001)!r}, {f32(0.0005)!r}, {f32(0.00025)!r} (0.001, 0.0005, 0.00025 in float32) |",
         "| `AR_ep_loss/L_tail` | 1,2,3 | 8.3125, 7.5, 6.25 (canonical `train/loss_tail`, epochs 0,1,2) |",
         "", "Records in file order:", "", *record_table(blob, labels), "")
    return path, blob, labels


def make_tb_tensor(out: str):
    """TF2-style scalars: rank-0 tensors with plugin 'scalars', via tensorboard's own writer."""
    from tensorboard.compat.proto import event_pb2, summary_pb2, tensor_pb2, tensor_shape_pb2, types_pb2
    from tensorboard.summary.writer.event_file_writer import EventFileWriter

    def tensor_event(tag, step, **tensor_kw):
        meta = summary_pb2.SummaryMetadata(plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="scalars"))
        tp = tensor_pb2.TensorProto(tensor_shape=tensor_shape_pb2.TensorShapeProto(), **tensor_kw)
        return event_pb2.Event(wall_time=T0 + 10 + step, step=step, summary=summary_pb2.Summary(
            value=[summary_pb2.Summary.Value(tag=tag, metadata=meta, tensor=tp)]))

    half_bits = int(np.array([2.5], dtype=np.float16).view(np.uint16)[0])
    events = [
        ("tf2/float_val", 0, dict(dtype=types_pb2.DT_FLOAT, float_val=[0.5]), "DT_FLOAT float_val", 0.5),
        ("tf2/float_val", 1, dict(dtype=types_pb2.DT_FLOAT, float_val=[0.25]), "DT_FLOAT float_val", 0.25),
        ("tf2/float_val", 2, dict(dtype=types_pb2.DT_FLOAT, float_val=[0.125]), "DT_FLOAT float_val", 0.125),
        ("tf2/double_val", 0, dict(dtype=types_pb2.DT_DOUBLE, double_val=[1 / 3]), "DT_DOUBLE double_val", 1 / 3),
        ("tf2/double_val", 1, dict(dtype=types_pb2.DT_DOUBLE, double_val=[5.5]), "DT_DOUBLE double_val", 5.5),
        ("tf2/half_content", 5, dict(dtype=types_pb2.DT_HALF, tensor_content=np.float16(1.5).tobytes()),
         "DT_HALF tensor_content (2 bytes little-endian: 00 3e)", 1.5),
        ("tf2/float_content", 7, dict(dtype=types_pb2.DT_FLOAT, tensor_content=np.float32(0.75).tobytes()),
         "DT_FLOAT tensor_content (4 bytes little-endian: 00 00 40 3f)", 0.75),
        ("tf2/half_val", 3, dict(dtype=types_pb2.DT_HALF, half_val=[half_bits]),
         f"DT_HALF half_val (int32 field holding the bits 0x{half_bits:04x})", 2.5),
    ]
    d = os.path.join(out, "tfevents/tb-tensor")
    tmp = d + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    with varsim.frozen_clock(T0, HOST):
        w = EventFileWriter(tmp)
    for tag, step, kw, _, _ in events:
        w.add_event(tensor_event(tag, step, **kw))
    legacy = event_pb2.Event(wall_time=T0 + 20, step=4, summary=summary_pb2.Summary(
        value=[summary_pb2.Summary.Value(tag="legacy/simple", simple_value=3.0)]))
    w.add_event(legacy)
    w.close()
    (name,) = os.listdir(tmp)
    path = os.path.join(d, "events.out.tfevents.1717200000.fixture-host.tensor")
    os.makedirs(d, exist_ok=True)
    shutil.move(os.path.join(tmp, name), path)
    shutil.rmtree(tmp)
    blob = open(path, "rb").read()
    labels = ["file_version 'brain.Event:2'"] + [f"`{t}` step {s}: {what} = {v!r}" for t, s, _, what, v in events] + [
        "`legacy/simple` step 4: simple_value 3.0 (no metadata)"]
    note("## tfevents/tb-tensor/",
         "Written by `tensorboard.summary.writer.event_file_writer.EventFileWriter` (tensorboard 2.21, no "
         "TensorFlow) with `tensorboard.compat.proto` messages. Each tensor scalar has an empty "
         "`tensor_shape` (rank 0) and `metadata.plugin_data.plugin_name = \"scalars\"` on every value; "
         f"wall_time = 1717200010 + step. {len(blob)} bytes, {len(labels)} records.", "",
         "| tag | steps | values |", "| --- | --- | --- |",
         "| `tf2/float_val` | 0,1,2 | 0.5, 0.25, 0.125 |",
         "| `tf2/double_val` | 0,1 | 0.3333333333333333 (1/3 as a double), 5.5 |",
         "| `tf2/half_val` | 3 | 2.5 |",
         "| `tf2/half_content` | 5 | 1.5 |",
         "| `tf2/float_content` | 7 | 0.75 |",
         "| `legacy/simple` | 4 | 3.0 |", "", *record_table(blob, labels), "")


def raw_event(step: int, wall: float, tag: str | None = None, value: float | None = None,
              version: bool = False, session_start: bool = False) -> bytes:
    """One serialized Event (file_version, SessionLog START, or a simple_value scalar)."""
    from tensorboard.compat.proto import event_pb2, summary_pb2
    ev = event_pb2.Event(wall_time=wall, step=step)
    if version:
        ev.file_version = "brain.Event:2"
    elif session_start:
        ev.session_log.status = event_pb2.SessionLog.START
    else:
        ev.summary.value.add(tag=tag, simple_value=value)
    return ev.SerializeToString()


def make_restart(out: str):
    """Two files; the second's steps go back.  Variant with a SessionLog START as well."""
    a = [raw_event(0, T0, version=True)]
    for s in range(10):
        a.append(raw_event(s, T0 + 1 + s, "train/loss", 10.0 - s))
        if s in (0, 5):
            a.append(raw_event(s, T0 + 1 + s, "lr", 0.5))
    t1 = T0 + 3600
    for variant, with_start in (("restart", False), ("restart-sessionlog", True)):
        b = [raw_event(0, t1, version=True)]
        if with_start:
            b.append(raw_event(6, t1, session_start=True))
        for s in range(6, 13):
            b.append(raw_event(s, t1 + s, "train/loss", 100.0 + s))
            if s in (6, 12):
                b.append(raw_event(s, t1 + s, "lr", 0.25))
        d = os.path.join(out, "tfevents", variant)
        write_bytes(os.path.join(d, "events.out.tfevents.1717200000.fixture-host.1"), b"".join(map(tfrecord, a)))
        write_bytes(os.path.join(d, "events.out.tfevents.1717203600.fixture-host.2"), b"".join(map(tfrecord, b)))
    note("## tfevents/restart/ and tfevents/restart-sessionlog/",
         "Hand-framed TFRecords (tensorboard compat protos). File `...1717200000...1` (wall 1717200000+): "
         "`train/loss` steps 0..9 = 10 - step (10.0 ... 1.0), `lr` = 0.5 at steps 0 and 5. "
         "File `...1717203600...2` (wall 1717203600+): `train/loss` steps 6..12 = 100 + step "
         "(106.0 ... 112.0), `lr` = 0.25 at steps 6 and 12. In `restart-sessionlog/` the second file "
         "also holds `SessionLog{status: START}` at step 6 right after its file_version.", "",
         "The truth (per tag, the later file wins from the step where it goes back):",
         "`train/loss` = 13 points: steps 0..5 = 10, 9, 8, 7, 6, 5 (first file), steps 6..12 = 106 ... 112 "
         "(second file); `lr` = 4 points: (0, 0.5), (5, 0.5) from the first file, (6, 0.25), (12, 0.25).",
         "", "What tensorboard's EventAccumulator does (see the table at the end): these files have "
         "file_version `brain.Event:2`, for which it purges old points only on a `SessionLog START` "
         "(then every tag's points at steps >= the START's step); on a bare step regression it keeps "
         "everything (17 `train/loss` points in `restart/`).", "")


def make_damaged(out: str, blob: bytes, labels: list[str]):
    """Copies of tbx-simple with a flipped payload byte, a truncated tail, a bad length CRC."""
    recs = split_records(blob)
    d = os.path.join(out, "tfevents/damaged")
    rows = []
    # 1. a flipped byte inside record 3's payload: its data CRC fails, its length is fine
    off3, p3 = recs[3]
    flip = off3 + 12 + len(p3) // 2
    b = bytearray(blob)
    b[flip] ^= 0xFF
    write_bytes(os.path.join(d, "events.out.tfevents.1717200000.fixture-host.flipped-payload"), bytes(b))
    rows.append(f"| `...flipped-payload` | {len(b)} | byte {flip} (inside the payload of record 3, which starts "
                f"at {off3}) XOR 0xFF: record 3's data CRC fails; its length field and CRC are intact, so a "
                f"reader can skip it: records 0-2 and 4-11 are good (11 records, 10 scalars; record 3, "
                f"{labels[3]}, is lost) |")
    # 2. the last record cut in the middle of its payload
    offl, pl = recs[-1]
    cut = offl + 12 + len(pl) // 2
    write_bytes(os.path.join(d, "events.out.tfevents.1717200000.fixture-host.truncated"), blob[:cut])
    rows.append(f"| `...truncated` | {cut} | cut at byte {cut}, inside the payload of the last record "
                f"(record {len(recs) - 1}, starting at {offl}, payload {len(pl)} bytes): records 0-{len(recs) - 2} "
                f"are good ({len(recs) - 2} scalars), the last scalar ({labels[-1]}) is lost |")
    # 3. a bad masked CRC of the length of record 5
    off5, _ = recs[5]
    b = bytearray(blob)
    b[off5 + 8] ^= 0x01
    write_bytes(os.path.join(d, "events.out.tfevents.1717200000.fixture-host.bad-length-crc"), bytes(b))
    rows.append(f"| `...bad-length-crc` | {len(b)} | byte {off5 + 8} (first byte of the length CRC of record 5, "
                f"which starts at {off5}) XOR 0x01: the length cannot be trusted, reading stops at offset {off5}; "
                f"records 0-4 are good (4 scalars) |")
    note("## tfevents/damaged/",
         f"Copies of the tbx-simple file ({len(blob)} bytes; record offsets in its table above). "
         "A reader keeps what comes before the damage and warns with the byte offset.", "",
         "| file | size | damage and what is recoverable |", "| --- | --- | --- |", *rows, "")


# ----------------------------------------------------------------------------------------
# VAR stdout.txt / log.txt fixtures: a 12-epoch mini run with round numbers
# ----------------------------------------------------------------------------------------
MEP, MIT = 12, 20
MPRINT = [0, 4, 9, 14, 19]
REPO = "/opt/tiger/run/VAR"
TRAIN_PY, MISC_PY = REPO + "/train.py", REPO + "/utils/misc.py"
MSTART = varsim._dt.datetime(2024, 6, 1, 10, 0, 0, tzinfo=varsim.CST).timestamp()


def mini_values(ep: int, crashed: bool = False) -> dict:
    """Epoch averages of the mini run; the crashed copy of an epoch is 0.02 worse."""
    d = 0.02 if crashed else 0.0
    return {"Lm": round(7.2 - 0.1 * ep + d, 3), "Lt": round(6.35 - 0.1 * ep + d, 3),
            "Accm": round(1.0 + 0.2 * ep, 2), "Acct": round(2.0 + 0.3 * ep, 2)}


def mini_val(ep: int) -> tuple:
    v = mini_values(ep)
    return (round(v["Lm"] + 0.05, 4), round(v["Lt"] + 0.07, 4), round(v["Accm"] - 0.1, 2), round(v["Acct"] - 0.2, 2))


class MiniRun:
    """Prints a mini VAR run line by line (bytes), with a clock and best-so-far tracking."""

    def __init__(self, cur_best: bool = False):
        self.t = MSTART
        self.out: list[bytes] = []
        self.cur_best = cur_best

    def pr(self, path, lineno, msg, end="\n"):
        self.out.append(f"{prefix(self.t, path, lineno)} {msg}{end}".encode())

    def raw(self, data: bytes):
        self.out.append(data)

    def startup(self, start_ep: int, args_extra: dict | None = None):
        self.pr(TRAIN_PY, 36, "global bs=768, local bs=48")
        a = {"data_path": "/mnt/bn/var-data/imagenet", "depth": 16, "fp16": 1, "tblr": 0.0001,
             "tlr": 0.00030000000000000003, "twd": 0.05, "bs": 768, "ep": MEP, "wp": 0.24, "pn": "1_2_3_4_5_6_8_10_13_16",
             "L_mean": None, "L_tail": None, "vL_mean": None, "vL_tail": None, "cur_ep": ""}
        a.update(args_extra or {})
        self.args_block(f"initial args:", a)
        info = (["[auto_resume] no ckpt found @ /opt/tiger/run/VAR/local_output/ar-ckpt*.pth", "[auto_resume quit]"]
                if start_ep == 0 else
                ["[auto_resume] load ckpt from @ /opt/tiger/run/VAR/local_output/ar-ckpt-last.pth ...",
                 f"[auto_resume success] resume from ep{start_ep}, it0"])
        for line in info:
            self.pr(TRAIN_PY, 64, line)
        self.pr(TRAIN_PY, 71, f"[dataloader] gbs=768, lbs=48, iters_train={MIT}, types(tr, va)=('DatasetFolder', 'DatasetFolder')")
        self.pr(TRAIN_PY, 107, "[INIT][#para] VAR=310.28\n\n")
        self.t += 30

    def args_block(self, title, a, sep="\n"):
        body = "\n".join(f"  {k:20s}: {v}" for k, v in a.items())
        self.pr(TRAIN_PY, 37 if title.startswith("initial") else 248, f"{title}{sep}{{\n{body}\n}}\n")

    def iteration_lines(self, ep, v, upto=MIT):
        """The 5 iteration lines; samples are CUR + (+0.04, +0.02, 0, -0.02, -0.04)."""
        offs = [0.04, 0.02, 0.0, -0.02, -0.04]
        seen = {k: [] for k in ("Lm", "Lt", "Accm", "Acct")}
        lines = []
        for it, o in zip(MPRINT, offs):
            if it >= upto:
                break
            self.t += 6.0 if it else 1.5
            for k in seen:
                seen[k].append(v[k] + (o if k in ("Lm", "Lt") else -o))
            f3 = lambda k: f"{varsim.median(seen[k]):.3f} ({sum(seen[k]) / len(seen[k]):.3f})"
            f2 = lambda k: f"{varsim.median(seen[k]):.2f} ({sum(seen[k]) / len(seen[k]):.2f})"
            line = "  ".join([f"[Ep]: [{ep:4d}/{MEP}]", f"[{it:2d}/{MIT}]", f"eta: 0:00:{max(0, (MIT - it) * 1.5):02.0f}",
                              "tlr: 0.0003", "tnm: 0.50", f"Lm: {f3('Lm')}", f"Lt: {f3('Lt')}", f"Accm: {f2('Accm')}",
                              f"Acct: {f2('Acct')}", "time: 1.5000", "data: 0.0010"])
            self.pr(MISC_PY, 314, line)
            lines.append(self.out[-1])
        return lines

    def epoch(self, ep, best, crashed=False, before_val=None, values=None):
        """Iterations, Total time, val line when due, the [epN] line."""
        v = values or mini_values(ep, crashed)
        self.iteration_lines(ep, v)
        self.pr(MISC_PY, 336, f"[Ep]: [{ep:4d}/{MEP}]   Total time:      0:00:30   (1.500 s / it)")
        for k in v:
            best[k] = min(best.get(k, 999.0), v[k]) if k in ("Lm", "Lt") else max(best.get(k, -1.0), v[k])
        if (ep + 1) % 10 == 0 or ep + 1 == MEP:
            if before_val:
                before_val()
            self.t += 12
            self.pr(TRAIN_PY, 216, f" [*] [ep{ep}]  (val 50000)  Lm: {v['Lm']:.4f}, Lt: {v['Lt']:.4f}, "
                                   f"Acc m&t: {v['Accm']:.2f} {v['Acct']:.2f},  Val cost: 12.00s")
        pair = (lambda b, c: f"{c:.3f} ({b:.3f})") if self.cur_best else (lambda b, c: f"{b:.3f} ({c:.3f})")
        self.pr(TRAIN_PY, 233, f"     [ep{ep}]  (training )  Lm: {pair(best['Lm'], v['Lm'])}, Lt: {pair(best['Lt'], v['Lt'])},  "
                               f"Acc m&t: {best['Accm']:.2f} {best['Acct']:.2f},  Remain: 0:{(MEP - ep - 1) * 30 // 60:02d}:"
                               f"{(MEP - ep - 1) * 30 % 60:02d},  Finish: 2024-06-01 10:{int((self.t - MSTART) // 60) + 1:02d}")
        return self.out[-1]

    def finish(self, best, ep_last):
        v = mini_values(ep_last)
        self.pr(TRAIN_PY, 239, "\n\n")
        self.pr(TRAIN_PY, 240, f"  [*] [PT finished]  Total cost: 0.1h,   Lm: {best['Lm']:.3f} ({v['Lm']}),   "
                               f"Lt: {best['Lt']:.3f} ({v['Lt']})")
        self.pr(TRAIN_PY, 241, "\n\n")
        vm, vt, vam, vat = mini_val(ep_last)
        self.args_block("final args:", {"depth": 16, "bs": 768, "ep": MEP, "L_mean": v["Lm"], "L_tail": v["Lt"],
                                        "acc_mean": v["Accm"], "acc_tail": v["Acct"], "vacc_mean": vam,
                                        "vacc_tail": vat, "vL_mean": vm, "vL_tail": vt,
                                        "cur_ep": f"{MEP}/{MEP}", "remain_time": "-",
                                        "finish_time": "2024-06-01 10:08"}, sep="\n\n")

    def banner(self, gap: float):
        self.t += gap
        self.raw(("\n" * 7 + "=" * 55 + f"   RESTART {varsim.time_str(self.t)}   " + "=" * 55 + "\n").encode())

    def data(self) -> bytes:
        return b"".join(self.out)


FORK_BUMP = {4: {"Lm": 6.95, "Lt": 6.1, "Accm": 1.7, "Acct": 2.9}}   # a worse epoch 4 in the fork file


def mini_clean(cur_best=False) -> bytes:
    """The mini run without junk; with cur_best, the fork order and a worse epoch 4."""
    r = MiniRun(cur_best)
    r.startup(0)
    best = {}
    for ep in range(MEP):
        r.epoch(ep, best, values=FORK_BUMP.get(ep) if cur_best else None)
    r.finish(best, MEP - 1)
    return r.data()


PDB = (b"> /opt/tiger/run/VAR/trainer.py(124)train_step()\n"
       b"-> grad_norm, scale_log2 = self.var_opt.backward_clip_step(loss=loss, stepping=stepping)\n"
       b"(Pdb) p loss\n"
       b"tensor(5.8123, device='cuda:0', grad_fn=<MeanBackward0>)\n"
       b"(Pdb) p Lmean\n"
       b"*** NameError: name 'Lmean' is not defined\n"
       b"(Pdb) p metric_lg.meters['Lm'].global_avg\n"
       b"6.612\n"
       b"(Pdb) c\n")
TQDM = (b"\r  0%|          | 0/33 [00:00<?, ?it/s]\r 48%|####8     | 16/33 [00:05<00:05,  3.20it/s]"
        b"\r100%|##########| 33/33 [00:10<00:00,  3.21it/s]\n")
NUL_RUN = b"\x00" * 64


def mini_traps() -> tuple[bytes, dict]:
    """Every stdout trap of VAR-LOGS.md in one 12-epoch run; returns (bytes, facts)."""
    r = MiniRun()
    r.startup(0)
    best = {}
    for ep in range(7):
        if ep == 2:
            lines = r.iteration_lines(ep, mini_values(ep))
            r.out.insert(len(r.out) - 2, lines[2])           # rank 8 prints iteration 9 again
            r.pr(MISC_PY, 336, f"[Ep]: [{ep:4d}/{MEP}]   Total time:      0:00:30   (1.500 s / it)")
            for k, v in mini_values(ep).items():
                best[k] = min(best.get(k, 999.0), v) if k in ("Lm", "Lt") else max(best.get(k, -1.0), v)
            r.pr(TRAIN_PY, 233, f"     [ep2]  (training )  Lm: {best['Lm']:.3f} ({mini_values(2)['Lm']:.3f}), "
                                f"Lt: {best['Lt']:.3f} ({mini_values(2)['Lt']:.3f}),  Acc m&t: {best['Accm']:.2f} "
                                f"{best['Acct']:.2f},  Remain: 0:04:30,  Finish: 2024-06-01 10:02")
            continue
        if ep == 4:
            r.raw(PDB)                                       # a debugger session mid-epoch
        line = r.epoch(ep, best, crashed=ep >= 5)
        if ep == 3:
            r.raw(line)                                      # the [ep3] line from two ranks
    r.iteration_lines(7, mini_values(7, True), upto=10)    # crash in epoch 7 after iteration 9
    r.raw(b"[06-01 10:09:58] (t/tiger/run/VAR/train.py, line 233)=>      [ep7]  (trai" + NUL_RUN)
    r.banner(600)
    r.startup(5, {"data_path": "/mnt/bn/caf\xe9/imagenet"})
    # invalid UTF-8: a Latin-1 e-acute in the path above, and a truncated 3-byte sequence below
    r.out = [o.replace("caf\xe9".encode(), b"caf\xe9") for o in r.out]
    r.pr(TRAIN_PY, 64, "[auto_resume] note: ckpt dir /mnt/bn/\ufffd/local_output")
    r.out[-1] = r.out[-1].replace("\ufffd".encode(), b"\xe4\xb8")
    best = {}
    for ep in range(5, MEP):
        if ep == 9:
            r.epoch(ep, best, before_val=lambda: r.raw(TQDM))
        elif ep == 6:
            r.epoch(ep, best)
            r.out[-1] = r.out[-1].replace(b"\n", b"\r\n")  # one CRLF-terminated line
        else:
            r.epoch(ep, best)
    r.finish(best, MEP - 1)
    r.banner(3600)
    r.startup(MEP)
    r.pr(TRAIN_PY, 239, "\n\n")
    r.pr(TRAIN_PY, 240, "  [*] [PT finished]  Total cost: 0.0h,   Lm: 999.000 (-1),   Lt: 999.000 (-1)")
    r.pr(TRAIN_PY, 241, "\n\n")
    return r.data(), {}


def header_only() -> bytes:
    r = MiniRun()
    r.startup(0)
    return r.data()


def mini_table(eps) -> list[str]:
    rows = ["| epoch | Lm (CUR) | Lt (CUR) | Accm | Acct |", "| --- | --- | --- | --- | --- |"]
    for e in eps:
        v = mini_values(e)
        rows.append(f"| {e} | {v['Lm']:.3f} | {v['Lt']:.3f} | {v['Accm']:.2f} | {v['Acct']:.2f} |")
    return rows


def make_var_stdout(out: str):
    d = os.path.join(out, "var")
    clean = mini_clean()
    write_bytes(os.path.join(d, "stdout-clean.txt"), clean)
    fork = mini_clean(cur_best=True)
    write_bytes(os.path.join(d, "stdout-fork-cur-best.txt"), fork)
    traps, _ = mini_traps()
    write_bytes(os.path.join(d, "stdout-traps.txt"), traps)
    write_bytes(os.path.join(d, "stdout-empty.txt"), b"")
    hdr = header_only()
    write_bytes(os.path.join(d, "stdout-header-only.txt"), hdr)
    vm, vt, vam, vat = mini_val(MEP - 1)
    nul = traps.index(NUL_RUN)
    truth_line = traps_truth(traps)
    note("## var/ stdout fixtures: a 12-epoch mini run",
         f"VAR's formats with `iters_train={MIT}`, `ep={MEP}`, iteration lines at its {MPRINT} "
         "(`[Ep]: [   3/12]  [ 9/20]  ...`), times in Asia/Shanghai from `[06-01 10:00:00]` (2024). "
         "Epoch averages (CUR) are round numbers: Lm = 7.2 - 0.1 e, Lt = 6.35 - 0.1 e, Accm = 1.0 + 0.2 e, "
         "Acct = 2.0 + 0.3 e; the five iteration samples of an epoch are CUR + 0.04, +0.02, 0, -0.02, -0.04 "
         "(accuracies the opposite), so each epoch's last iteration line shows `(CUR)` as its running average.",
         "", *mini_table(range(MEP)), "",
         "Lt is below 5.5 from epoch 9 on (first_below = stays_below_from = 9, value 5.450); Lm never "
         "(last 6.100). Validation runs at epochs 9 and 11 ((ep+1) % 10 == 0, and the last epoch); the "
         "` [*] [epN]  (val 50000)` lines print the TRAINING averages (ep9: `Lm: 6.3000, Lt: 5.4500`). "
         f"The true validation of epoch 11 is only in `final args:`: vL_mean {vm}, vL_tail {vt}, "
         f"vacc_mean {vam}, vacc_tail {vat}.", "",
         f"- `stdout-clean.txt` ({len(clean)} bytes): the run without junk: 60 iteration lines, 12 "
         "`Total time` lines, 12 `[epN]  (training )` lines in `BEST (CUR)` order, 2 val lines, one "
         "`[PT finished]` line with real values (`Lm: 6.100 (6.1)`: VAR prints the raw float), one "
         "`final args:` block.",
         f"- `stdout-fork-cur-best.txt` ({len(fork)} bytes): the same run, epoch lines in `CUR (BEST)` order "
         "(as some forks print), and epoch 4 worse than epoch 3 (CUR Lm 6.950, Lt 6.100, Accm 1.70, "
         "Acct 2.90; its iteration lines agree). So `[ep4]` reads `Lm: 6.950 (6.900), Lt: 6.100 (6.050),  "
         "Acc m&t: 1.70 2.90`: the first number is CUR, the second BEST (BEST never rises; here the first "
         "column does). The true Lm series is the table with epoch 4 = 6.950; Lt first below 5.5 at 9.",
         f"- `stdout-header-only.txt` ({len(hdr)} bytes): startup prints and `initial args:` only (died before "
         "the first iteration): no epochs, config depth=16, bs=768, ep=12.",
         "- `stdout-empty.txt`: 0 bytes.",
         f"- `stdout-traps.txt` ({len(traps)} bytes), in file order:",
         "  1. first launch, epochs 0-6: the iteration line `[   2/12]  [ 9/20]` appears twice in a row "
         "(two ranks); the epoch-2 block is otherwise normal;",
         "  2. the `[ep3]  (training )` line appears twice in a row (two ranks);",
         "  3. a pdb session (9 lines, `> /opt/...trainer.py(124)train_step()`, `(Pdb) p loss`, "
         "`tensor(5.8123, ...)`, `6.612`, `(Pdb) c`) before epoch 4's first iteration line;",
         "  4. epochs 5 and 6 of the first launch are the CRASHED copies, 0.02 worse: Lm 6.720 / 6.620, "
         "Lt 5.870 / 5.770;",
         "  5. epoch 7: iteration lines for its 0, 4, 9 only, then a half-written epoch line "
         f"`...(training` and 64 NUL bytes at byte offset {nul};",
         "  6. VAR's `'\\n' * 7` and the `RESTART` banner (the first of those newlines ends the NUL line), startup again with `resume from ep5, it0`; the "
         "`data_path` of this `initial args:` contains the Latin-1 byte 0xE9 (`caf\\xe9`) and the next "
         "line `[auto_resume] note: ckpt dir /mnt/bn/\\xe4\\xb8/local_output` a truncated UTF-8 sequence: "
         "invalid UTF-8 (replace, do not fail);",
         "  7. epochs 5-11 of the resumed launch (the truth); BEST restarts at epoch 5; the `[ep6]` line ends "
         "with CRLF; before the epoch-9 val line a tqdm progress line with three `\\r`-separated updates;",
         "  8. normal finish: `[PT finished]` with real values, `final args:` with the val values above;",
         "  9. a second `RESTART` banner: the finished run relaunched; `resume from ep12, it0`, then "
         "`[PT finished]  Total cost: 0.0h,   Lm: 999.000 (-1),   Lt: 999.000 (-1)` (the sentinel; the "
         "relaunch trains nothing) and the file ends.",
         truth_line, "")


def traps_truth(traps: bytes) -> str:
    """The counts line of the stdout-traps README entry."""
    its = traps.count(b"=> [Ep]: [") - traps.count(b"Total time")
    eps = traps.count(b"]  (training )  Lm:")
    return (f"  Truth for this file: epochs 0-11 with the values of the table (later occurrence wins), 2 "
                  f"`RESTART` banners, epochs 5 and 6 logged twice, epoch 7 only partially (before the crash). "
                  f"Counts of raw lines: {its} iteration lines (5 x 7 first launch + 1 duplicate + 3 of epoch 7 + "
                  f"5 x 7 resumed), {traps.count(b'Total time')} `Total time` lines, {eps} `(training )  Lm:` lines "
                  f"(7 + the duplicate + 7; the half-written `(trai` line does not count), 2 val lines, 2 `[PT finished]` lines, "
                  f"3 `initial args:` blocks, 1 `final args:` block.")


def make_var_log(out: str):
    d = os.path.join(out, "var")
    hdr = json.dumps({"is_master": True, "name": "text", "cmd": "--depth=16 --bs=768 --ep=15 --fp16=1",
                      "commit": "5d9c8e4b1f0a7c3e2b6d9f8a1c4e7b0d3f6a9c2e", "branch": "main",
                      "tb_log_dir_path": "/opt/tiger/run/VAR/local_output/tb-VARd16__pn1_2_3_4_5_6_8_10_13_16__b768ep15adamlr0.0001wd0.05"},
                     indent=0) + "\n"

    def line(ep_done, val, **kw):
        L = 7.2 - 0.1 * (ep_done - 1)
        dct = {"it": "20/20", "ep": f"{ep_done}/15", "lr": 0.0003 * (1 - ep_done / 16), "wd": 0.05,
               "grad_norm": 0.5, "L_mean": round(L, 4), "L_tail": round(L - 0.85, 4),
               "acc_mean": round(1 + 0.2 * (ep_done - 1), 2), "acc_tail": round(2 + 0.3 * (ep_done - 1), 2),
               "vL_mean": None, "vL_tail": None, "vacc_mean": None, "vacc_tail": None,
               "remain_time": f"0:0{(15 - ep_done) // 2}:00", "finish_time": "2024-06-01 10:08"}
        if val is not None:
            dct.update(vL_mean=val[0], vL_tail=val[1], vacc_mean=val[2], vacc_tail=val[3])
        dct.update(kw)
        return f"{dct}\n"

    # a finished 15-epoch run: file restarted at '1/15' and '11/15'; val at ep 9 ('10/15') and 14 ('15/15')
    v10 = (6.35, 5.57, 2.7, 4.5)
    v15 = (5.86, 5.08, 3.7, 6.0)
    quirk = hdr + "".join(line(e, v10) for e in range(11, 15)) + line(15, v15) + line(15, v15, remain_time="-")
    write_bytes(os.path.join(d, "log-restart-quirk.txt"), quirk.encode())
    vals = hdr
    vals += line(1, None)
    vals += line(2, None, L_mean=float("nan"), grad_norm=float("inf"))
    vals += line(3, None, L_tail=float("-inf"), is_best=True, note="it's a \\ test\t\u4e2d")
    vals += line(4, None, is_best=False, finish_time='2024-06-01 "10:08"')
    vals += line(5, (6.75, 5.97, 2.0, 3.5))
    tail = line(6, (6.75, 5.97, 2.0, 3.5))
    vals += tail[: len(tail) // 2]
    write_bytes(os.path.join(d, "log-values.txt"), vals.encode())
    write_bytes(os.path.join(d, "log-header-only.txt"), hdr.encode())
    write_bytes(os.path.join(d, "log-empty.txt"), b"")
    note("## var/ log.txt fixtures",
         "Header: `json.dump(..., indent=0)` (7 lines: `{`, 6 keys, `}`), then Python dict literals.",
         "",
         f"- `log-restart-quirk.txt` ({len(quirk.encode())} bytes): what a finished `--ep=15` run leaves: VAR restarted the "
         "file at `'1/15'` and again at `'11/15'`, so it holds header + ep strings `11/15`, `12/15`, `13/15`, "
         "`14/15`, `15/15`, `15/15` (6 lines; the last is the final `dump_log()` after training, "
         "`remain_time: '-'`, otherwise equal). Epoch of `'11/15'` is 10. `L_mean` of `'11/15'` = 6.2, "
         "`L_tail` = 5.35, decreasing by 0.1 per line. Validation: ep 9 (`'10/15'`, not in the file) gave "
         "vL_mean 6.35 / vL_tail 5.57 / vacc 2.7 / 4.5, repeated (stale) on lines `11/15`..`14/15`; "
         "ep 14 (`'15/15'`) is a real validation: 5.86 / 5.08 / 3.7 / 6.0. True validation points in "
         "this file: only epoch 14.",
         f"- `log-values.txt` ({len(vals.encode())} bytes): header + 5 whole lines + a truncated 6th line (no closing "
         "brace, no newline). Line `2/15`: `'L_mean': nan`, `'grad_norm': inf`; line `3/15`: `'L_tail': -inf`, "
         "extra keys `'is_best': True` and `'note': \"it's a \\\\ test\\t中\"` (Python repr: double "
         "quotes because of the apostrophe, an escaped backslash, `\\t`, a raw CJK character); line `4/15`: "
         "`'is_best': False`, `'finish_time': '2024-06-01 \"10:08\"'`; line `5/15`: validation "
         "6.75 / 5.97 / 2.0 / 3.5; `None` for validation keys before it. `nan`/`inf` are not Python "
         "literals: `ast.literal_eval` rejects lines 2 and 3; a reader maps them to NaN / +-Inf.",
         "- `log-header-only.txt`: the JSON header only (no epoch lines).",
         "- `log-empty.txt`: 0 bytes.", "")


# ----------------------------------------------------------------------------------------
# CSV and JSON Lines
# ----------------------------------------------------------------------------------------

def make_tables(out: str):
    rows = ["step,epoch,L_mean,L_tail,acc_mean,acc_tail,vL_mean,vL_tail,lr"]
    for e in range(MEP):
        v = mini_values(e)
        val = mini_val(e) if (e + 1) % 10 == 0 or e + 1 == MEP else None
        lt = "" if e == 4 else f"{v['Lt']}"
        rows.append(",".join([str((e + 1) * MIT - 1), str(e), f"{v['Lm']}", lt, f"{v['Accm']}", f"{v['Acct']}",
                              "" if val is None else f"{val[0]}", "" if val is None else f"{val[1]}", "0.0003"]))
    csv = "\n".join(rows) + "\n"
    write_bytes(os.path.join(out, "csv/var-metrics.csv"), csv.encode())
    jl = []
    for i in range(10):
        rec = {"step": i * 100, "epoch": i // 2, "loss": round(4.0 - 0.25 * i, 2), "time": 1717200000.0 + 37.5 * i}
        if i % 3 == 2:
            rec["val_loss"] = round(4.1 - 0.25 * i, 2)
        if i == 5:
            rec["val_loss"] = None
        jl.append(json.dumps(rec))
    jsonl = "\n".join(jl) + "\n"
    write_bytes(os.path.join(out, "jsonl/metrics.jsonl"), jsonl.encode())
    note("## csv/var-metrics.csv",
         f"{len(csv)} bytes, a header and 12 rows (epochs 0-11 of the mini run). Columns "
         "`step,epoch,L_mean,L_tail,acc_mean,acc_tail,vL_mean,vL_tail,lr` (VAR names: they map to the "
         "canonical metrics). `step` = (epoch + 1) * 20 - 1. Values = the mini-run table above; `L_tail` is "
         "empty at epoch 4 (11 points); `vL_mean`/`vL_tail` only at epochs 9 (6.35, 5.52) and 11 "
         "(6.15, 5.32); `lr` 0.0003 everywhere. `L_tail` first below 5.5 at epoch 9 (5.45).", "",
         "## jsonl/metrics.jsonl",
         f"{len(jsonl)} bytes, 10 objects, one a line: `step` = 0, 100, ..., 900; `epoch` = step // 200; "
         "`loss` = 4.0 - 0.25 i (4.0 ... 1.75); `time` = 1717200000.0 + 37.5 i (Unix seconds); "
         "`val_loss` on lines i = 2, 8 (3.6, 2.1) and `null` on line 5 (i = 5 has no value); lines "
         "without the key have none. 2 validation points. `loss`/`val_loss` are not VAR names: they keep "
         "their own names unless a config maps them.", "")


def accumulator_table(out: str):
    """What tensorboard's EventAccumulator loads from each tfevents fixture folder."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    rows = ["## What tensorboard 2.21's EventAccumulator reads (purge_orphaned_data=True)", "",
            "| folder | tag | points | steps | values |", "| --- | --- | --- | --- | --- |"]
    base = os.path.join(out, "tfevents")
    for sub in sorted(os.listdir(base)):
        if sub == "damaged":
            continue
        ea = EventAccumulator(os.path.join(base, sub), size_guidance={"scalars": 0, "tensors": 0})
        ea.Reload()
        tags = ea.Tags()
        for tag in sorted(tags["scalars"]):
            ev = ea.Scalars(tag)
            rows.append(f"| {sub} | `{tag}` | {len(ev)} | {', '.join(str(e.step) for e in ev)} | "
                        f"{', '.join(repr(e.value) for e in ev)} |")
        for tag in sorted(tags.get("tensors", [])):
            ev = ea.Tensors(tag)
            rows.append(f"| {sub} | `{tag}` (tensor) | {len(ev)} | {', '.join(str(e.step) for e in ev)} | |")
    note(*rows, "", "EventAccumulator reports the tensor-valued scalars under `tensors`, not `scalars` "
         "(it does not convert without TensorFlow's plugin layer); varreport must read both.", "")


INTRO = """# Test fixtures

Written by `scripts/make_fixtures.py` (deterministic: run it again and `git diff` stays empty; it
needs numpy, tensorboardX and tensorboard, see the script's docstring). Do not edit by hand:
change the script and regenerate. Sizes are in bytes. "Epoch" is VAR's 0-based index, as in
CONTRACT.md. The bundled full-size example run and its answers are in `Examples/`.
"""


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                                  "Tests", "Fixtures"))
    a = ap.parse_args(argv)
    for sub in ("tfevents", "var", "csv", "jsonl"):
        shutil.rmtree(os.path.join(a.out, sub), ignore_errors=True)
    _, blob, labels = make_tbx_simple(a.out)
    make_tb_tensor(a.out)
    make_restart(a.out)
    make_damaged(a.out, blob, labels)
    make_var_stdout(a.out)
    make_var_log(a.out)
    make_tables(a.out)
    accumulator_table(a.out)
    with open(os.path.join(a.out, "README.md"), "w") as fp:
        fp.write(INTRO + "\n" + "\n".join(README) + "\n")
    for root, _, files in sorted(os.walk(a.out)):
        for f in sorted(files):
            p = os.path.join(root, f)
            size = os.path.getsize(p)
            assert size < 100_000, p
            print(f"{size:7d}  {os.path.relpath(p, a.out)}")


if __name__ == "__main__":
    main()

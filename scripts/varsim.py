"""Shared helpers for the example-run and fixture generators.

Formatting that mirrors FoundationVision/VAR (utils/misc.py, utils/arg_util.py, train.py),
a deterministic clock, and small TFRecord / TensorBoard helpers.  Nothing here imports
torch or TensorFlow.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import shutil
import socket
import struct
import tempfile
import time
from unittest import mock

#: VAR prints times in Asia/Shanghai (UTC+8, no DST): utils/misc.py time_str().
CST = _dt.timezone(_dt.timedelta(hours=8))

UNIFORM_LOSS = 8.317766166719343  # ln(4096)


def cst(ts: float) -> _dt.datetime:
    """Unix time -> aware datetime in VAR's print time zone."""
    return _dt.datetime.fromtimestamp(ts, tz=CST)


def time_str(ts: float, fmt: str = "[%m-%d %H:%M:%S]") -> str:
    """VAR's misc.time_str() at Unix time ts."""
    return cst(ts).strftime(fmt)


def file_desc(path: str) -> str:
    """The `(LAST_24_CHARS_OF_FILE` part of VAR's print prefix: f'{path:24s}'[-24:]."""
    return f"{path:24s}"[-24:]


def prefix(ts: float, path: str, lineno: int) -> str:
    """VAR's print prefix, without the space print() adds after it."""
    return f"{time_str(ts)} ({file_desc(path)}, line{lineno:-4d})=>"


def timedelta_str(seconds: float) -> str:
    """str(datetime.timedelta(seconds=...)) as VAR prints eta / Remain / Total time."""
    return str(_dt.timedelta(seconds=seconds))


def median(values) -> float:
    """np.median of a small list, without numpy (the same value)."""
    s = sorted(values)
    n = len(s)
    if n == 0:
        return 0
    m = n // 2
    return s[m] if n % 2 else (s[m - 1] + s[m]) / 2


# ----------------------------------------------------------------------------------------
# TFRecord framing (for hand-built and damaged event files)
# ----------------------------------------------------------------------------------------

def _crc32c_table():
    poly = 0x82F63B78
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ poly if c & 1 else c >> 1
        table.append(c)
    return table


_CRC_TABLE = _crc32c_table()


def crc32c(data: bytes) -> int:
    """CRC-32C (Castagnoli), pure Python; fine for the few KB of fixtures."""
    c = 0xFFFFFFFF
    for b in data:
        c = _CRC_TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def masked_crc(data: bytes) -> int:
    """TFRecord's masked CRC-32C."""
    c = crc32c(data)
    return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def tfrecord(payload: bytes) -> bytes:
    """One TFRecord: length, masked crc of length, payload, masked crc of payload."""
    header = struct.pack("<Q", len(payload))
    return header + struct.pack("<I", masked_crc(header)) + payload + struct.pack("<I", masked_crc(payload))


def split_records(blob: bytes):
    """(offset, payload) of every record in a well-formed TFRecord stream."""
    out, off = [], 0
    while off < len(blob):
        (n,) = struct.unpack_from("<Q", blob, off)
        out.append((off, blob[off + 12: off + 12 + n]))
        off += 12 + n + 4
    return out


# ----------------------------------------------------------------------------------------
# TensorBoard events by hand (protobuf: Event{wall_time=1, step=2, file_version=3, summary=5})
# ----------------------------------------------------------------------------------------

def _varint(n: int) -> bytes:
    n &= 0xFFFFFFFFFFFFFFFF
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _field(num: int, wire: int, payload: bytes) -> bytes:
    key = _varint((num << 3) | wire)
    if wire == 2:
        return key + _varint(len(payload)) + payload
    return key + payload


def event_bytes(wall: float, step: int, tag: str | None = None, value: float | None = None,
                file_version: str | None = None) -> bytes:
    """One serialized Event: a file_version, or a simple_value scalar (float32)."""
    msg = _field(1, 1, struct.pack("<d", wall)) + _field(2, 0, _varint(step))
    if file_version is not None:
        msg += _field(3, 2, file_version.encode())
    else:
        val = _field(1, 2, tag.encode()) + _field(2, 5, struct.pack("<f", value))
        msg += _field(5, 2, _field(1, 2, val))
    return msg


# ----------------------------------------------------------------------------------------
# Deterministic tensorboardX writing
# ----------------------------------------------------------------------------------------

@contextlib.contextmanager
def frozen_clock(ts: float, host: str):
    """Freeze time.time() and socket.gethostname() while a writer is constructed.

    tensorboardX stamps the file name and the first (file_version) event with them.
    """
    with mock.patch.object(time, "time", return_value=ts), \
            mock.patch.object(socket, "gethostname", return_value=host):
        yield


def write_tbx_scalars(dest_path: str, created: float, host: str, scalars):
    """Write scalars with tensorboardX into exactly dest_path.

    scalars: iterable of (tag, value, step, walltime), written in that order as simple_value
    summaries (what torch.utils.tensorboard.SummaryWriter.add_scalar writes too).
    """
    from tensorboardX import SummaryWriter

    tmp = tempfile.mkdtemp(prefix="tbx-")
    try:
        with frozen_clock(created, host):
            w = SummaryWriter(logdir=tmp, flush_secs=3600)
        for tag, value, step, wall in scalars:
            w.add_scalar(tag, float(value), global_step=int(step), walltime=float(wall))
        w.close()
        (name,) = [n for n in os.listdir(tmp) if "tfevents" in n]
        os.makedirs(os.path.dirname(dest_path), exist_ok=True)
        shutil.move(os.path.join(tmp, name), dest_path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

#!/usr/bin/env python3
"""report.py RESULTS.jsonl OUT.md [--strict]

Turns the records of measure.py into the results table: every case with its numbers, the
project's target, and PASS / FAIL / SKIP (or "info" where there is no target). Prints the
table and writes it, with the machine it ran on, to OUT.md. With --strict, exits 1 when a
target failed. Only the standard library.
"""
import datetime as dt
import json
import os
import platform
import subprocess
import sys

MB = 1e6


def load(path):
    """The records by (case, tool), a later record of the same pair winning, and the case order."""
    recs, order = {}, []
    if os.path.exists(path):
        for line in open(path):
            line = line.strip()
            if line:
                r = json.loads(line)
                recs[(r["case"], r["name"])] = r
                order.append(r["case"])
    return recs, order


def machine():
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    try:
        swift = subprocess.run(["swift", "--version"], capture_output=True, text=True, timeout=60)
        swift = (swift.stdout + swift.stderr).strip().splitlines()[0]
    except Exception:  # noqa: BLE001
        swift = "?"
    load = " ".join(open("/proc/loadavg").read().split()[:3]) if os.path.exists("/proc/loadavg") else "?"
    return {"nproc": os.cpu_count(), "cpu": cpu, "memory": mem, "kernel": platform.release(),
            "swift": swift, "python": platform.python_version(), "load": load}


def fmt_wall(r):
    if r is None:
        return ""
    w = r.get("median_wall")
    if w is None:
        return ""
    n = len(r.get("walls") or [])
    s = secs(w)
    if r.get("status") == "quoted":
        return s + " (README)"
    return s + (f" (median of {n})" if n > 1 else "")


def secs(w):
    return f"{w:.2f} s" if w >= 0.1 else f"{w * 1000:.0f} ms"


def fmt_cpu(r):
    if r is None or r.get("median_cpu") is None:
        return ""
    return secs(r["median_cpu"])


def fmt_rss(r):
    if r is None or r.get("max_rss_mb") is None:
        return ""
    return f"{r['max_rss_mb']:.0f} MB"


def ok(r):
    return r is not None and r.get("status") in ("ok", "quoted") and r.get("median_wall") is not None


class Table:
    def __init__(self):
        self.rows = []
        self.counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}

    def add(self, case, inp, tool, r, derived="", target="", verdict=""):
        if r is not None and r.get("status") == "skipped":
            verdict = "SKIP"
            derived = r.get("error", "")
        elif r is not None and r.get("status") == "failed":
            verdict = "FAIL" if target else "error"
            derived = f"exit {r.get('exit')}: {r.get('error', '')}"[:160]
        elif r is not None and r.get("status") == "ok" and r.get("exit"):
            derived = (derived + "; " if derived else "") + str(r.get("error") or f"exit {r['exit']}")[:160]
        if verdict in self.counts:
            self.counts[verdict] += 1
        self.rows.append((case, inp, tool, fmt_wall(r), fmt_cpu(r), fmt_rss(r), derived, target, verdict))

    def markdown(self):
        head = "| case | input | tool | wall | CPU | peak RSS | derived | target | result |"
        out = [head, "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for row in self.rows:
            out.append("| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |")
        return "\n".join(out)


def pf(cond):
    return "PASS" if cond else "FAIL"


def build(recs, order):
    """One block of rows per case, in the order the cases ran. Cases ending in -quick (and the
    small stdout files of BENCH_QUICK) are reported without a verdict: the targets are for the
    full-size inputs."""
    t = Table()
    get = lambda c, n: recs.get((c, n))  # noqa: E731
    done = set()
    for case in order:
        if case in done:
            continue
        done.add(case)
        quick = case.endswith("-quick")
        if case.startswith("reader-tfevents"):
            v = get(case, "varreport")
            inp = (v or {}).get("input", "")
            if v is not None:
                verdict, target = "", ""
                if not quick:
                    target = "<= 2 s and < 300 MB"
                    if ok(v):
                        verdict = pf(v["median_wall"] <= 2.0 and v["max_rss_mb"] < 300)
                d = ""
                if ok(v) and v.get("bytes"):
                    d = f"{v['bytes'] / MB / v['median_wall']:.0f} MB/s"
                t.add(case, inp, "varreport summary --json", v, d, target, verdict or ("info" if quick else ""))
            for name, label in (("eventaccumulator", "EventAccumulator (tb_read.py)"),
                                ("tbparse", "tbparse (tbparse_read.py)")):
                a = get(case, name)
                if a is None:
                    continue
                d = ""
                if ok(a) and ok(v):
                    d = (f"varreport {a['median_wall'] / v['median_wall']:.0f}x faster, "
                         f"{a['max_rss_mb'] / v['max_rss_mb']:.1f}x less memory")
                t.add(case, a.get("input") or inp, label, a, d, "", "info")
        elif case.startswith("reader-stdout-"):
            v = get(case, "varreport")
            if v is None:
                continue
            full = case in ("reader-stdout-250", "reader-stdout-1000", "reader-stdout-1000x4")
            d, verdict = "", ""
            if ok(v) and v.get("bytes"):
                mbps = v["bytes"] / MB / v["median_wall"]
                d = f"whole summary {mbps:.0f} MB/s"
                if v.get("median_cpu"):
                    d += f" ({v['bytes'] / MB / v['median_cpu']:.0f} MB/s of CPU time)"
                # The target is the reader's (one core): its phase time from -v, beside the whole command.
                read_mbps = v["bytes"] / MB / v["median_phase"] if v.get("median_phase") else None
                if read_mbps is not None:
                    d = f"reading {read_mbps:.0f} MB/s; " + d
                verdict = pf((read_mbps or mbps) >= 300) if full else "info"
            t.add(case, v.get("input", ""), "varreport summary --json -v", v, d,
                  ">= 300 MB/s (reading, one core)" if full else "", verdict)
            small = get("reader-stdout-250", "varreport")
            if case in ("reader-stdout-1000", "reader-stdout-1000x4") and ok(v) and ok(small):
                # 1000: 4x the epochs, so 4x the series kept: memory per line, no verdict.
                # 1000x4: the 250 MB run 4 times: the same series, so memory must stay flat.
                growth = v["max_rss_mb"] / small["max_rss_mb"]
                size_ratio = (v.get("bytes") or 1) / (small.get("bytes") or 1)
                flat = case == "reader-stdout-1000x4"
                what = ("memory: the same series in 4x the bytes" if flat
                        else "memory: 4x the epochs (4x the series kept)")
                verdict = pf(growth <= 1.5) if flat else "info"
                t.rows.append((case, what, "varreport", "", "",
                               f"{v['max_rss_mb']:.0f} vs {small['max_rss_mb']:.0f} MB (250 MB file)",
                               f"RSS x{growth:.2f} for x{size_ratio:.1f} the bytes",
                               "bounded by the series: <= 1.5x" if flat else "", verdict))
                if flat:
                    t.counts[verdict] += 1
        elif case.startswith("reader-run"):
            v = get(case, "varreport")
            if v is not None:
                verdict = pf(v["median_wall"] < 0.2) if ok(v) else ""
                t.add(case, v.get("input", ""), "varreport summary --json", v, "", "< 0.2 s", verdict)
        elif case.startswith("render-"):
            n = case[len("render-"):]
            m, png, pdf = get(case, "matplotlib"), get(case, "varreport-png"), get(case, "varreport-pdf")
            both = get(case, "varreport-both")
            inp = next((r.get("input") for r in (m, png, pdf) if r is not None and r.get("input")), n)
            if m is not None:
                d = f"PDF {m['artifact_bytes'] / MB:.2f} MB" if m.get("artifact_bytes") is not None else ""
                t.add(case, inp, "mpl_report.py (PNG + PDF, one process)", m, d, "", "info")
            for r, label in ((png, "varreport plot --figure overview -o .png"),
                             (pdf, "varreport plot --figure overview -o .pdf")):
                if r is None:
                    continue
                d, verdict, target = "", "", ""
                if r.get("artifact_bytes") is not None:
                    d = f"file {r['artifact_bytes'] / MB:.2f} MB"
                if label.endswith(".pdf") and n == "1M":
                    target = "PDF <= 2 MB"
                    if r.get("artifact_bytes") is not None and r.get("status") == "ok":
                        verdict = pf(r["artifact_bytes"] <= 2 * MB)
                t.add(case, inp, label, r, d, target, verdict)
            # The comparison: one varreport process writing both files, as matplotlib's does
            # (older result files: the PNG and the PDF process added up).
            vr = None
            if ok(m) and ok(both):
                vr = ("varreport plot -o .png -o .pdf (one process) vs matplotlib",
                      both["median_wall"], both.get("median_cpu"), both["max_rss_mb"])
            elif ok(m) and ok(png) and ok(pdf):
                cpus = (png.get("median_cpu"), pdf.get("median_cpu"))
                vr = ("varreport PNG + PDF vs matplotlib", png["median_wall"] + pdf["median_wall"],
                      cpus[0] + cpus[1] if None not in cpus else None, max(png["max_rss_mb"], pdf["max_rss_mb"]))
            if vr is not None:
                label, wall, vcpu, rss = vr
                speed, mem = m["median_wall"] / wall, rss / m["max_rss_mb"]
                cpu = ""
                if vcpu is not None and m.get("median_cpu") is not None:
                    cpu = f"{vcpu:.2f} s vs {m['median_cpu']:.2f} s ({m['median_cpu'] / vcpu:.1f}x)"
                t.rows.append((case, inp, label, f"{wall:.2f} s vs {m['median_wall']:.2f} s", cpu,
                               f"{rss:.0f} vs {m['max_rss_mb']:.0f} MB",
                               f"{speed:.1f}x faster; memory {mem:.2f} of matplotlib's",
                               ">= 10x faster; <= 1/4 memory", pf(speed >= 10 and mem <= 0.25)))
                t.counts[pf(speed >= 10 and mem <= 0.25)] += 1
        elif case.startswith("wide-"):
            # The analysis must be about linear in the number of series: the cost per metric of
            # the larger case at most twice that of the smaller (it was quadratic: 10k 33 s).
            v = get(case, "varreport")
            if v is None:
                continue
            n = int(case[len("wide-"):])
            d, target, verdict = "", "", "info"
            if ok(v):
                d = f"{v['median_wall'] / n * 1e6:.0f} µs per metric, {v['max_rss_mb'] * 1024 / n:.1f} kB per metric"
            smaller = [c for c in order if c.startswith("wide-") and int(c[len("wide-"):]) < n]
            if smaller:
                m = int(smaller[-1][len("wide-"):])
                s_ = get(smaller[-1], "varreport")
                target = f"per metric <= 2x wide-{m}'s (linear)"
                if ok(v) and ok(s_):
                    verdict = pf(v["median_wall"] / n <= 2 * s_["median_wall"] / m)
            t.add(case, v.get("input", ""), "varreport summary --json", v, d, target, verdict)
        elif case == "watch-append":
            v = get(case, "varreport")
            if v is None:
                continue
            d = (f"{v['per_line_cpu'] * 1000:.1f} ms CPU per appended line (full re-read: {v['reread_cpu'] * 1000:.0f} ms); "
                 f"idle {v['idle_cpu_share'] * 100:.2f} % of a core")
            t.add(case, v.get("input", ""), "varreport watch --json", v, d, "< 0.1 s CPU per line", pf(v["per_line_cpu"] < 0.1))
        elif case == "watch-1mb-min":
            v = get(case, "varreport")
            if v is None:
                continue
            d = f"{v['cpu_share'] * 100:.2f} % of a core"
            t.add(case, v.get("input", ""), "varreport watch --json", v, d, "< 1 % of a core", pf(v["cpu_share"] < 0.01))
        elif case.startswith("sweep-"):
            v = get(case, "varreport")
            if v is None:
                continue
            base = case[:-len("-quick")] if quick else case
            target, verdict, d = "", "info" if quick else "", ""
            if base == "sweep-jobs2":
                label = "varreport sweep --jobs 2 (cold)"
                if not quick:
                    target = "<= 30 s"
                    verdict = pf(v["median_wall"] <= 30) if ok(v) else ""
            elif base == "sweep-jobs1":
                label = "varreport sweep --jobs 1 (cold)"
                j2 = get(case.replace("jobs1", "jobs2"), "varreport")
                if ok(v) and ok(j2):
                    d = f"--jobs 2 is {v['median_wall'] / j2['median_wall']:.2f}x faster"
                verdict = "info"
            else:
                label = "varreport sweep --jobs 2 (one run touched)"
                if not quick:
                    target = "<= 3 s"
                    verdict = pf(v["median_wall"] <= 3) if ok(v) else ""
            t.add(case, v.get("input", ""), label, v, d, target, verdict)
    return t


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    strict = "--strict" in sys.argv
    if len(args) != 2:
        sys.exit(__doc__)
    recs, order = load(args[0])
    t = build(recs, order)
    m = machine()
    when = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    binary = os.environ.get("BENCH_BINARY_COMMIT", "?")
    head = [
        f"# varreport benchmark results ({when})",
        "",
        f"- machine: {m['nproc']} cores, {m['cpu']}, {m['memory']}, Linux {m['kernel']}",
        f"- {m['swift']}; Python {m['python']}; load average at the start "
        f"{os.environ.get('BENCH_LOAD_START', '?')}, at the end {m['load']} (other work on the machine "
        "slows every number down; compare the ratios of commands that ran alternately)",
        f"- varreport built from commit {binary}"
        + (" (BENCH_QUICK=1: small cases only)" if os.environ.get("BENCH_QUICK") == "1" else ""),
        "- wall: median over the repetitions, whole processes, alternating the compared commands; "
        "CPU: median user + system time; peak RSS: the largest over the repetitions "
        "(`/usr/bin/time -f '%e %M %U %S'`); verdicts use the wall time",
        "",
        "",
    ]
    c = t.counts
    tail = ["", f"{c['PASS']} PASS, {c['FAIL']} FAIL, {c['SKIP']} SKIP"]
    text = "\n".join(head) + t.markdown() + "\n" + "\n".join(tail) + "\n"
    with open(args[1], "w") as f:
        f.write(text)
    print(text)
    return 1 if strict and c["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main())

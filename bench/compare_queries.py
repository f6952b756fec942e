#!/usr/bin/env python3
"""Query latency of Sextant against the reference Prometheus 2.42 on the same data.

Backfills one recording into both (sextant-tool / promtool `tsdb create-blocks-from
openmetrics`): counters a_<N> with N = 1, 10, 100 series (label l) and classic histograms
h_<N>_bucket (5 buckets per series), a sample every 10s for 3 hours. Starts both servers and
times the range queries of bench/promql_bench.cc (1000 steps of 10s) through /api/v1/query_range,
the median of --runs runs each after a warm-up, and prints Sextant / Prometheus per query
(goal: at most 0.5x).

Usage: compare_queries.py <sextant> <sextant-tool> [--runs=N] [--keep]
"""

import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

T0 = 1700000000
INTERVAL = 10
SAMPLES = 3 * 360 + 1          # three hours
STEPS = 1000
START = T0 + 3 * 3600 - (STEPS - 1) * INTERVAL  # the last 1000 steps
END = T0 + 3 * 3600
QUERIES = [
    "rate(a_{n}[1m])",
    "sum(rate(a_{n}[1m]))",
    "sum by (l)(rate(a_{n}[1m]))",
    "histogram_quantile(0.9, rate(h_{n}_bucket[5m]))",
    "avg_over_time(a_{n}[10m])",
]
LE = ["0.1", "0.5", "1.5", "5.0", "+Inf"]


def recording(path):
    with open(path, "w") as f:
        for n in (1, 10, 100):
            f.write(f"# TYPE a_{n} counter\n")
            for i in range(n):
                for k in range(SAMPLES):
                    f.write(f'a_{n}_total{{l="{i}"}} {(1 + i % 7) * k} {T0 + INTERVAL * k}\n')
            f.write(f"# TYPE h_{n} histogram\n")
            for i in range(n):
                for k in range(SAMPLES):
                    for b, le in enumerate(LE):
                        f.write(f'h_{n}_bucket{{l="{i}",le="{le}"}} {2 * (b + 1) * k} {T0 + INTERVAL * k}\n')
        f.write("# EOF\n")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def query(base, q):
    data = urllib.parse.urlencode({"query": q, "start": START, "end": END, "step": INTERVAL}).encode()
    t = time.perf_counter()
    with urllib.request.urlopen(base + "/api/v1/query_range", data=data, timeout=120) as r:
        body = r.read()
    elapsed = time.perf_counter() - t
    if b'"success"' not in body[:40]:
        raise SystemExit(f"{base}: {q}: {body[:300]!r}")
    return elapsed


def wait_ready(base, proc):
    for _ in range(600):
        if proc.poll() is not None:
            raise SystemExit(f"{base}: exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(base + "/-/ready", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"{base} not ready")


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    opts = dict(a[2:].split("=", 1) if "=" in a else (a[2:], "1") for a in sys.argv[1:] if a.startswith("--"))
    if len(args) != 2:
        raise SystemExit(__doc__)
    sextant, tool = args
    runs = int(opts.get("runs", "7"))
    work = tempfile.mkdtemp(prefix="compare_queries_")
    procs = []
    try:
        om = os.path.join(work, "data.om")
        recording(om)
        subprocess.run([tool, "tsdb", "create-blocks-from", "openmetrics", om, f"{work}/sx"],
                       check=True, capture_output=True)
        subprocess.run(["promtool", "tsdb", "create-blocks-from", "openmetrics", om, f"{work}/prom"],
                       check=True, capture_output=True)
        with open(f"{work}/empty.yml", "w") as f:
            f.write("global: {}\n")
        sp, pp = free_port(), free_port()
        log = open(f"{work}/servers.log", "w")
        procs.append(subprocess.Popen([sextant, f"--config.file={work}/empty.yml", f"--storage.tsdb.path={work}/sx",
                                       f"--web.listen-address=127.0.0.1:{sp}", "--storage.tsdb.retention.time=100y"],
                                      stdout=log, stderr=log))
        procs.append(subprocess.Popen(["prometheus", f"--config.file={work}/empty.yml", f"--storage.tsdb.path={work}/prom",
                                       f"--web.listen-address=127.0.0.1:{pp}", "--storage.tsdb.retention.time=100y"],
                                      stdout=log, stderr=log))
        sbase, pbase = f"http://127.0.0.1:{sp}", f"http://127.0.0.1:{pp}"
        wait_ready(sbase, procs[0])
        wait_ready(pbase, procs[1])
        print(f"{'query':<52} {'sextant ms':>11} {'prometheus ms':>14} {'ratio':>7}")
        ratios = []
        for pattern in QUERIES:
            for n in (1, 10, 100):
                q = pattern.format(n=n).replace(f"a_{n}[", f"a_{n}_total[")
                times = {}
                for name, base in (("s", sbase), ("p", pbase)):
                    query(base, q)  # warm-up
                    times[name] = statistics.median(query(base, q) for _ in range(runs))
                ratio = times["s"] / times["p"]
                ratios.append(ratio)
                print(f"{q:<52} {times['s'] * 1000:>11.2f} {times['p'] * 1000:>14.2f} {ratio:>7.2f}")
        print(f"geometric mean ratio: {statistics.geometric_mean(ratios):.2f} (goal <= 0.5)")
    finally:
        for p in procs:
            p.terminate()
            p.wait(timeout=30)
        if "keep" not in opts:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print("kept", work)


if __name__ == "__main__":
    main()

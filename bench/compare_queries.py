#!/usr/bin/env python3
"""Dashboard query latency of Sextant against the reference Prometheus 2.42, at users' scale.

Data: one recording of 6 hours at a 15 s interval (1441 samples per series), backfilled into
both (sextant-tool / promtool `tsdb create-blocks-from openmetrics`):
  - --series counters http_requests_total{job, instance, path, method, code} (default 10,000 =
    2 jobs x 50 instances x 20 paths x 5 method/code combinations, 2 of them 5xx), each growing
    at its own rate with jitter, and a counter reset in one series of every 1000;
  - 100 classic histograms http_request_duration_seconds{job, instance} of 10 buckets
    (_bucket with le, _sum, _count), latencies log-normal around a per-instance median.

Queries: the panels of a service dashboard (QUERIES), each sent as a POST form to
/api/v1/query or /api/v1/query_range at the end of the data; the time is the median of --runs
runs after one warm-up, the warm-up's response also gives the number of result series, which
must be the same for both servers (a cheap correctness check; a mismatch is flagged).

Output: one row per query (Sextant ms, Prometheus ms, ratio Sextant / Prometheus), then the
geometric mean and the worst ratio against the goal: geometric mean <= 0.5, no query > 0.8.

Usage: compare_queries.py <sextant> <sextant-tool> [--series=N] [--runs=N] [--keep]
                          [--reuse=DIR] [--timeout=SECONDS]
  --series=N   counter series to generate (default 10000; 100000 works as a manual mode).
  --runs=N     timed runs per query and server (default 5).
  --keep       keep the work directory (both data directories, the binaries and the server log);
               the OpenMetrics file itself is always deleted after the backfill.
  --reuse=DIR  benchmark a directory kept by --keep: no generation, no backfill; never deleted.
  --timeout=S  client timeout per request (default 300); the servers' own query timeout is
               their default (2m).
"""

import argparse
import json
import math
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from itertools import accumulate

# --- The recording -------------------------------------------------------------------------------
T0 = 1700000000                  # first sample, seconds
INTERVAL = 15                    # seconds between samples
SAMPLES = 6 * 3600 // INTERVAL + 1  # six hours: 1441 samples per series
END = T0 + (SAMPLES - 1) * INTERVAL
SEED = 42

JOBS = ["api", "web"]
PATHS = [
    "/api/v1/users", "/api/v1/orders", "/api/v1/products", "/api/v1/cart", "/api/v1/search",
    "/api/v1/login", "/api/v1/payments", "/api/v1/reviews", "/api/v2/users", "/api/v2/orders",
    "/api/v2/search", "/api/v2/inventory", "/static/app.js", "/static/app.css",
    "/static/logo.png", "/static/fonts.woff2", "/", "/health", "/metrics", "/favicon.ico",
]
# (method, code, share of a path's traffic): two of the five are 5xx so error ratios exist.
COMBOS = [("GET", "200", 1.0), ("GET", "404", 0.04), ("POST", "201", 0.25),
          ("GET", "500", 0.01), ("POST", "503", 0.004)]
SERIES_PER_INSTANCE = len(PATHS) * len(COMBOS)
RESET_EVERY = 1000               # series i with i % RESET_EVERY == 7 get a counter reset

HISTOGRAM_INSTANCES = 50         # per job: 2 x 50 = 100 histograms
LE = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "+Inf"]  # float form

WRITE_CHUNK = 64 << 20           # bytes buffered before each write of the OpenMetrics file

# --- The dashboard -------------------------------------------------------------------------------
HOUR = 3600
# (expression, range in seconds or None for an instant query, step in seconds)
QUERIES = [
    ("rate(http_requests_total[5m])", None, None),
    ("sum(rate(http_requests_total[5m]))", HOUR, 15),
    ("sum(rate(http_requests_total[5m]))", 6 * HOUR, 60),
    ("sum by (instance) (rate(http_requests_total[5m]))", HOUR, 15),
    ("sum by (instance) (rate(http_requests_total[5m]))", 6 * HOUR, 60),
    ('sum by (job) (rate(http_requests_total{code=~"5.."}[5m]))'
     " / sum by (job) (rate(http_requests_total[5m]))", HOUR, 15),
    ("histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))",
     HOUR, 15),
    ("histogram_quantile(0.95, sum by (instance, le) "
     "(rate(http_request_duration_seconds_bucket[5m])))", HOUR, 15),
    # One job only, so that the response stays near 10 MB at the default scale.
    ('avg_over_time(http_requests_total{job="api"}[10m])', HOUR, 60),
    ('count(http_requests_total{path=~"/api/v1/.*|/static/.*"})', None, None),
]

GOAL_GEOMEAN = 0.5
GOAL_WORST = 0.8


# --- Generating the OpenMetrics text -------------------------------------------------------------
def instance_name(job_index, i):
    return f"10.{job_index + 1}.{i // 250}.{i % 250 + 1}:8080"


def counter_labels(series):
    """The label sets of the first `series` counters, in file order."""
    instances = -(-series // (len(JOBS) * SERIES_PER_INSTANCE))
    out = []
    for j, job in enumerate(JOBS):
        for i in range(instances):
            for path in PATHS:
                for method, code, share in COMBOS:
                    out.append((job, instance_name(j, i), path, method, code, share))
    return out[:series]


class ChunkedWriter:
    """Buffers strings and writes them to `f` in WRITE_CHUNK-sized pieces."""

    def __init__(self, f):
        self.f, self.parts, self.size = f, [], 0

    def add(self, text):
        self.parts.append(text)
        self.size += len(text)
        if self.size >= WRITE_CHUNK:
            self.flush()

    def flush(self):
        self.f.write("".join(self.parts))
        self.parts, self.size = [], 0


def series_text(name, values, stamps):
    """All samples of one series, one line each: `name value timestamp`."""
    return "".join([f"{name} {v} {t}\n" for v, t in zip(values, stamps)])


def write_counters(out, rng, series, stamps, jitter):
    out.add("# HELP http_requests Requests served.\n# TYPE http_requests counter\n")
    for n, (job, instance, path, method, code, share) in enumerate(counter_labels(series)):
        name = (f'http_requests_total{{job="{job}",instance="{instance}",path="{path}",'
                f'method="{method}",code="{code}"}}')
        per_step = share * INTERVAL * math.exp(rng.uniform(math.log(0.2), math.log(40)))
        offset = rng.randrange(len(jitter) - SAMPLES)
        increments = [int(per_step * x) for x in jitter[offset:offset + SAMPLES - 1]]
        values = list(accumulate(increments, initial=rng.randrange(100000)))
        if n % RESET_EVERY == 7:  # a restart: the counter starts again from 0
            at = rng.randrange(SAMPLES // 10, SAMPLES - SAMPLES // 10)
            base = values[at]
            values[at:] = [v - base for v in values[at:]]
        out.add(series_text(name, values, stamps))


def write_histograms(out, rng, stamps, jitter):
    out.add("# HELP http_request_duration_seconds Request latency.\n"
            "# TYPE http_request_duration_seconds histogram\n")
    for j, job in enumerate(JOBS):
        for i in range(HISTOGRAM_INSTANCES):
            labels = f'job="{job}",instance="{instance_name(j, i)}"'
            median = math.exp(rng.uniform(math.log(0.02), math.log(0.3)))
            sigma = rng.uniform(0.6, 1.2)
            per_step = INTERVAL * rng.uniform(5, 200)
            offset = rng.randrange(len(jitter) - SAMPLES)
            increments = [int(per_step * x) for x in jitter[offset:offset + SAMPLES - 1]]
            counts = list(accumulate(increments, initial=0))
            for le in LE:
                if le == "+Inf":
                    values = counts
                else:
                    z = math.log(float(le) / median) / (sigma * math.sqrt(2))
                    cdf = 0.5 * (1 + math.erf(z))
                    values = [int(c * cdf) for c in counts]
                out.add(series_text(f'http_request_duration_seconds_bucket{{{labels},le="{le}"}}',
                                    values, stamps))
            mean = median * math.exp(sigma * sigma / 2)
            out.add(series_text(f"http_request_duration_seconds_sum{{{labels}}}",
                                [f"{c * mean:.3f}" for c in counts], stamps))
            out.add(series_text(f"http_request_duration_seconds_count{{{labels}}}", counts, stamps))


def write_recording(path, series):
    """Writes the OpenMetrics file: per metric family, per series, all samples in time order."""
    rng = random.Random(SEED)
    stamps = [str(T0 + INTERVAL * k) for k in range(SAMPLES)]
    jitter = [rng.uniform(0.5, 1.5) for _ in range(8 * SAMPLES)]  # shared, read at random offsets
    with open(path, "w") as f:
        out = ChunkedWriter(f)
        write_counters(out, rng, series, stamps, jitter)
        write_histograms(out, rng, stamps, jitter)
        out.add("# EOF\n")
        out.flush()


# --- Data directories ----------------------------------------------------------------------------
def timed(label, fn, *args):
    t = time.perf_counter()
    fn(*args)
    elapsed = time.perf_counter() - t
    print(f"{label}: {elapsed:.1f} s", flush=True)
    return elapsed


def backfill(cmd):
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{result.stderr[-2000:]}")


def prepare(work, tool, series):
    """Generates the recording and backfills it into work/sx and work/prom."""
    om = os.path.join(work, "data.om")
    timed(f"generate {series} counters + {len(JOBS) * HISTOGRAM_INSTANCES} histograms",
          write_recording, om, series)
    print(f"  {os.path.getsize(om) / 1e9:.2f} GB of OpenMetrics", flush=True)
    try:
        timed("sextant-tool backfill", backfill,
              [tool, "tsdb", "create-blocks-from", "openmetrics", om, f"{work}/sx"])
        timed("promtool backfill", backfill,
              ["promtool", "tsdb", "create-blocks-from", "openmetrics", om, f"{work}/prom"])
    finally:
        os.remove(om)
    with open(f"{work}/empty.yml", "w") as f:
        f.write("global: {}\n")
    with open(f"{work}/params.json", "w") as f:
        json.dump({"series": series, "t0": T0, "interval": INTERVAL, "samples": SAMPLES}, f)


def snapshot_binaries(work, sextant, tool):
    """Copies the binaries into work/bin so that a concurrent rebuild cannot swap them mid-run."""
    os.makedirs(f"{work}/bin", exist_ok=True)
    copies = []
    for src in (sextant, tool):
        dst = os.path.join(work, "bin", os.path.basename(src))
        shutil.copy2(src, dst)
        copies.append(dst)
    return copies


# --- Servers -------------------------------------------------------------------------------------
def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(binary, work, data, log):
    port = free_port()
    proc = subprocess.Popen([binary, f"--config.file={work}/empty.yml",
                             f"--storage.tsdb.path={work}/{data}",
                             f"--web.listen-address=127.0.0.1:{port}",
                             "--storage.tsdb.retention.time=100y"],
                            stdout=log, stderr=log)
    return proc, f"http://127.0.0.1:{port}"


def wait_ready(base, proc):
    for _ in range(1200):
        if proc.poll() is not None:
            raise SystemExit(f"{base}: exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(base + "/-/ready", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"{base} not ready after 2 minutes")


def stop_servers(procs):
    for p in procs:
        if p.poll() is None:
            p.terminate()
    for p in procs:
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


# --- Timing --------------------------------------------------------------------------------------
def request(base, expr, window, step, timeout):
    """Sends one query; returns (seconds, body or None, error or None)."""
    if window is None:
        path, form = "/api/v1/query", {"query": expr, "time": END}
    else:
        path, form = "/api/v1/query_range", {"query": expr, "start": END - window, "end": END,
                                             "step": step}
    data = urllib.parse.urlencode(form).encode()
    t = time.perf_counter()
    try:
        with urllib.request.urlopen(base + path, data=data, timeout=timeout) as r:
            body = r.read()
    except urllib.error.HTTPError as e:
        return time.perf_counter() - t, None, f"HTTP {e.code}: {e.read()[:200]!r}"
    except OSError as e:
        return time.perf_counter() - t, None, str(e)
    return time.perf_counter() - t, body, None


def measure(base, expr, window, step, runs, timeout):
    """Returns (median seconds, result series, error): a warm-up, then `runs` timed runs."""
    _, body, error = request(base, expr, window, step, timeout)
    if error:
        return None, None, error
    reply = json.loads(body)
    if reply.get("status") != "success":
        return None, None, str(reply)[:200]
    result = reply["data"]["result"]
    count = len(result) if isinstance(result, list) else 1
    times = []
    for _ in range(runs):
        elapsed, _, error = request(base, expr, window, step, timeout)
        if error:
            return None, count, error
        times.append(elapsed)
    return statistics.median(times), count, None


def kind(window, step):
    if window is None:
        return "instant"
    return f"range {window // HOUR}h@{step}s"


def cell(value, scale, spec):
    return "-" if value is None else format(value * scale, spec)


def benchmark(sbase, pbase, runs, timeout):
    width = max(len(q[0]) for q in QUERIES)
    print(f"\n{'query':<{width}}  {'kind':<13} {'sextant ms':>11} {'prometheus ms':>14} "
          f"{'ratio':>6} {'series':>7}  note")
    ratios = []
    for expr, window, step in QUERIES:
        s_time, s_count, s_err = measure(sbase, expr, window, step, runs, timeout)
        p_time, p_count, p_err = measure(pbase, expr, window, step, runs, timeout)
        notes = []
        if s_err:
            notes.append(f"sextant: {s_err}")
        if p_err:
            notes.append(f"prometheus: {p_err}")
        if s_count is not None and p_count is not None and s_count != p_count:
            notes.append(f"WARNING series differ: sextant {s_count}, prometheus {p_count}")
        ratio = s_time / p_time if s_time and p_time else None
        if ratio is not None:
            ratios.append((ratio, expr, kind(window, step)))
        count = p_count if p_count is not None else s_count
        print(f"{expr:<{width}}  {kind(window, step):<13} {cell(s_time, 1000, '.1f'):>11} "
              f"{cell(p_time, 1000, '.1f'):>14} {cell(ratio, 1, '.2f'):>6} "
              f"{cell(count, 1, 'd'):>7}  {'; '.join(notes)}", flush=True)
    if not ratios:
        return
    geomean = statistics.geometric_mean([r for r, _, _ in ratios])
    worst = max(ratios)
    met = geomean <= GOAL_GEOMEAN and worst[0] <= GOAL_WORST and len(ratios) == len(QUERIES)
    print(f"\ngeometric mean ratio: {geomean:.2f} over {len(ratios)} queries "
          f"(goal <= {GOAL_GEOMEAN})")
    print(f"worst ratio: {worst[0]:.2f} ({worst[1]}, {worst[2]}) (goal: no query above "
          f"{GOAL_WORST})")
    print("goal met" if met else "goal not met")


# --- Main ----------------------------------------------------------------------------------------
def parse_args():
    parser = argparse.ArgumentParser(usage=__doc__)
    parser.add_argument("sextant")
    parser.add_argument("tool")
    parser.add_argument("--series", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", metavar="DIR")
    parser.add_argument("--timeout", type=float, default=300)
    return parser.parse_args()


def main():
    args = parse_args()
    # SIGTERM and SIGHUP unwind like Ctrl-C, so that `finally` stops the servers.
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda signum, _frame: sys.exit(128 + signum))
    if args.reuse:
        work = os.path.abspath(args.reuse)
        with open(f"{work}/params.json") as f:
            params = json.load(f)
        if params["t0"] != T0 or params["samples"] != SAMPLES or params["interval"] != INTERVAL:
            raise SystemExit(f"{work} holds another recording: {params}")
        print(f"reusing {work}: {params['series']} counter series")
    else:
        work = tempfile.mkdtemp(prefix="compare_queries_")
    procs = []
    try:
        sextant, tool = snapshot_binaries(work, args.sextant, args.tool)
        if not args.reuse:
            prepare(work, tool, args.series)
        with open(f"{work}/servers.log", "a") as log:
            sproc, sbase = start_server(sextant, work, "sx", log)
            procs.append(sproc)
            pproc, pbase = start_server("prometheus", work, "prom", log)
            procs.append(pproc)
            t = time.perf_counter()
            wait_ready(sbase, sproc)
            wait_ready(pbase, pproc)
            print(f"servers ready: {time.perf_counter() - t:.1f} s", flush=True)
            benchmark(sbase, pbase, args.runs, args.timeout)
    finally:
        stop_servers(procs)
        if args.keep or args.reuse:
            print("kept", work)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

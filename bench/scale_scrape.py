#!/usr/bin/env python3
"""Scraping at scale: Sextant (and then the reference Prometheus 2.42) scrapes 10,000 loopback
targets every 15s through file SD. One local asyncio process serves every target: target i is
the address 127.0.<i / 250>.<i % 250 + 1> on one port, every page ~200 samples. A few targets
(--slow) answer only after --slow-delay seconds, so they hold a scrape worker that long.

Each server runs alone (one after the other: both at once would need more sockets than the
machine's open-file limit allows the target process), for --warmup then --seconds, and the script
prints for each:
  - scrapes on schedule: `up` samples per target over the window / window / interval (1.00 is
    every tick), the fewest any target got, and how many `up` timestamps sit on the 15s grid;
  - scrape_duration_seconds p50 / p99 over the window (all targets' samples);
  - CPU seconds per million scraped samples, resident memory (end and peak) and thread count.

Usage: scale_scrape.py <sextant> [--targets=10000] [--samples=200] [--interval=15] [--warmup=60]
       [--seconds=120] [--slow=10] [--slow-delay=5] [--only=sextant|prometheus]
"""

import collections
import json
import multiprocessing
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_queries import stop_servers  # noqa: E402
from compare_scrape_cpu import cpu_seconds, free_port, serve_forever, wait_ready  # noqa: E402


def make_page(samples):
    """~`samples` samples: 20 families of gauges and counters with label values."""
    lines = []
    per = max(1, samples // 20)
    for f in range(20):
        kind = "counter" if f % 2 else "gauge"
        name = f"app_metric_{f}_total" if kind == "counter" else f"app_metric_{f}"
        lines.append(f"# HELP {name} Metric number {f}.")
        lines.append(f"# TYPE {name} {kind}")
        for i in range(per):
            lines.append(f'{name}{{handler="/api/v{i}",code="{200 + i % 5}"}} {f * 1000 + i * 7.5}')
    return ("\n".join(lines) + "\n").encode()


def serve(port, body, slow_hosts, slow_delay):
    resource.setrlimit(resource.RLIMIT_NOFILE, (20000, 20000))
    serve_forever(port, body, delay=lambda host: slow_delay if host in slow_hosts else 0,
                  backlog=8192)


def query(base, q, t=None):
    params = {"query": q}
    if t is not None:
        params["time"] = f"{t:.3f}"
    url = base + "/api/v1/query?" + urllib.parse.urlencode(params)
    with urllib.request.urlopen(url, timeout=300) as r:
        return json.loads(r.read())["data"]["result"]


def proc_status(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            out[k] = v.strip()
    return out


def quantile(values, q):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def run_one(name, cmd, base, tmp, n, interval, warmup, seconds):
    log = open(os.path.join(tmp, f"{name}.log"), "w")
    proc = subprocess.Popen(cmd, stdout=log, stderr=log)
    try:
        try:
            wait_ready(base)
        except SystemExit:
            log.flush()
            sys.stderr.write(open(log.name).read()[-3000:])
            raise
        time.sleep(warmup)
        c0 = cpu_seconds(proc.pid)
        t0 = time.time()
        peak_rss = 0
        threads = 0
        while time.time() < t0 + seconds:
            st = proc_status(proc.pid)
            peak_rss = max(peak_rss, int(st["VmRSS"].split()[0]))
            threads = max(threads, int(st["Threads"]))
            time.sleep(1)
        c1 = cpu_seconds(proc.pid)
        t1 = time.time()
        st = proc_status(proc.pid)
        rss = int(st["VmRSS"].split()[0])
        w = f"{int(t1 - t0)}s"
        # All targets' up and scrape_duration_seconds samples of the window, at its end.
        ups = query(base, f'up{{job="fleet"}}[{w}]', t1)
        durations = query(base, f'scrape_duration_seconds{{job="fleet"}}[{w}]', t1)
        scraped = query(base, f'sum(sum_over_time(scrape_samples_scraped{{job="fleet"}}[{w}]))', t1)
        samples = float(scraped[0]["value"][1]) if scraped else 0.0
        per_target = [len(s["values"]) for s in ups]
        expected = int(t1 - t0) / interval
        # On the grid: a target's timestamps share its most common remainder modulo the interval.
        on_grid = 0
        for s in ups:
            rems = collections.Counter(round(float(v[0]) * 1000) % (interval * 1000)
                                       for v in s["values"])
            on_grid += rems.most_common(1)[0][1]
        total_up = sum(len(s["values"]) for s in ups)
        up_ones = sum(1 for s in ups for v in s["values"] if v[1] == "1")
        d = [float(v[1]) for s in durations for v in s["values"]]
        return {
            "name": name,
            "targets": len(ups),
            "schedule": sum(per_target) / (n * expected) if n else 0,
            "fewest": min(per_target) / expected if per_target else 0,
            "on_grid": on_grid / total_up if total_up else 0,
            "up": up_ones / total_up if total_up else 0,
            "p50": quantile(d, 0.5),
            "p99": quantile(d, 0.99),
            "cpu": c1 - c0,
            "samples": samples,
            "rss": rss / 1024,
            "peak": peak_rss / 1024,
            "threads": threads,
        }
    finally:
        stop_servers([proc])


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    opts = dict(a[2:].split("=", 1) for a in sys.argv[1:] if a.startswith("--") and "=" in a)
    (sextant,) = args
    n = int(opts.get("targets", "10000"))
    interval = int(opts.get("interval", "15"))
    warmup = int(opts.get("warmup", "60"))
    seconds = int(opts.get("seconds", "120"))
    slow = int(opts.get("slow", "10"))
    slow_delay = float(opts.get("slow-delay", "5"))
    only = opts.get("only", "")
    resource.setrlimit(resource.RLIMIT_NOFILE, (20000, 20000))
    body = make_page(int(opts.get("samples", "200")))
    hosts = [f"127.0.{i // 250}.{i % 250 + 1}" for i in range(n)]
    port = free_port()
    server = multiprocessing.Process(target=serve,
                                     args=(port, body, set(hosts[::max(1, n // slow)][:slow]),
                                           slow_delay),
                                     daemon=True)
    server.start()
    tmp = tempfile.mkdtemp(prefix="scale_scrape_")
    try:
        with open(os.path.join(tmp, "targets.json"), "w") as f:
            json.dump([{"targets": [f"{h}:{port}" for h in hosts]}], f)
        cfg = os.path.join(tmp, "prometheus.yml")
        with open(cfg, "w") as f:
            f.write(f"global: {{scrape_interval: {interval}s, scrape_timeout: {min(10, interval)}s}}\n"
                    "scrape_configs:\n  - job_name: fleet\n    file_sd_configs:\n"
                    f"      - files: ['{tmp}/targets.json']\n")
        rows = []
        for name in ("sextant", "prometheus"):
            if only and only != name:
                continue
            p = free_port()
            base = f"http://127.0.0.1:{p}"
            binary = sextant if name == "sextant" else "prometheus"
            cmd = [binary, f"--config.file={cfg}", f"--storage.tsdb.path={tmp}/{name}",
                   f"--web.listen-address=127.0.0.1:{p}"]
            rows.append(run_one(name, cmd, base, tmp, n, interval, warmup, seconds))
        print(f"{n} targets x {len(body.splitlines()) - 40} samples every {interval}s, file SD, "
              f"{slow} targets answering after {slow_delay}s; {warmup}s warm-up, {seconds}s measured")
        print(f"{'server':<11} {'targets':>7} {'on sched':>8} {'fewest':>6} {'on grid':>7} "
              f"{'up':>5} {'p50 ms':>7} {'p99 ms':>7} {'cpu s':>6} {'cpu s/1M':>8} "
              f"{'RSS MiB':>7} {'peak':>6} {'threads':>7}")
        for r in rows:
            per = r["cpu"] / r["samples"] * 1e6 if r["samples"] else float("nan")
            r["per"] = per
            print(f"{r['name']:<11} {r['targets']:>7} {r['schedule']:>8.3f} {r['fewest']:>6.2f} "
                  f"{r['on_grid']:>7.3f} {r['up']:>5.3f} {r['p50'] * 1e3:>7.2f} "
                  f"{r['p99'] * 1e3:>7.1f} {r['cpu']:>6.1f} {per:>8.3f} {r['rss']:>7.0f} "
                  f"{r['peak']:>6.0f} {r['threads']:>7}")
        if len(rows) == 2:
            print(f"sextant / prometheus: CPU per sample {rows[0]['per'] / rows[1]['per']:.2f}, "
                  f"RSS {rows[0]['rss'] / rows[1]['rss']:.2f} (goal <= 0.5 both)")
    finally:
        server.terminate()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""CPU cost of scraping: Sextant and the reference Prometheus 2.42 scrape the same targets side by
side (one local asyncio process serves them all, each target a distinct loopback address 127.0.x.y
on one port, every page the real node_exporter 1.5 page of ../shared/datasets: 512 samples), and
the script prints each server's CPU time per scraped sample (microseconds), its resident memory
(VmRSS) per active series at the end of the window, and the ratios sextant / prometheus (issue
17's goals: <= 0.5 for CPU, <= 0.4 for memory).

The default is issue 17's measurement: 200 targets every 5 s, 102,400 active series in each
server, 20,480 samples/s. CPU is read from /proc/<pid>/stat (user + system, every thread) over
--seconds after --warmup; samples are what the servers themselves report scraping in that window
(sum_over_time of scrape_samples_scraped).

Manual mode, 1,000,000 series: --targets=2000 --interval=10 --warmup=120 --seconds=120 (1,024,000
series, 102,400 samples/s; Prometheus 2.42 needs about 4 GB of memory for it, Sextant about 2.5;
the target server then needs a file limit above 4,096: `ulimit -n 65536` first). At that rate
the asyncio target server takes most of a core on a 2-core machine; watch `uptime` and compare
runs at the same load.

Usage: compare_scrape_cpu.py <sextant> <datasets dir> [--targets=200] [--interval=5]
       [--warmup=60] [--seconds=120] [--perf=<perf.data>] [--only=sextant|prometheus]
  --perf: also records a call-graph profile of Sextant over the measured window
          (perf record -g), for `perf report -i <perf.data> --no-children`.
  --only: runs one server (then no ratio is printed).
"""

import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_queries import stop_servers  # noqa: E402
import urllib.parse
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_forever(port, page, delay=None, backlog=4096):
    """Serves `page` on every address of `port`: a str or bytes, or a function returning the body
    (bytes) afresh for each request. `delay`, when given, maps the local address a request came
    to (str) to seconds to wait before answering (slow targets)."""
    fixed = None if callable(page) else (page if isinstance(page, bytes) else page.encode())

    async def handle(reader, writer):
        host = writer.get_extra_info("sockname")[0]
        try:
            while True:
                request = await reader.readuntil(b"\r\n\r\n")
                if not request:
                    break
                if delay is not None and delay(host) > 0:
                    await asyncio.sleep(delay(host))
                body = fixed if fixed is not None else page()
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
                             b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
                await writer.drain()
        except Exception:
            pass
        finally:
            writer.close()

    async def main():
        server = await asyncio.start_server(handle, "0.0.0.0", port, backlog=backlog)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_bytes(pid):
    """Resident memory (VmRSS) of `pid` in bytes."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def query(base, q):
    url = base + "/api/v1/query?" + urllib.parse.urlencode({"query": q})
    with urllib.request.urlopen(url, timeout=60) as r:
        res = json.loads(r.read())["data"]["result"]
    return float(res[0]["value"][1]) if res else 0.0


def wait_ready(base):
    for _ in range(600):
        try:
            if urllib.request.urlopen(base + "/-/ready", timeout=1).status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"{base} not ready")


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    opts = dict(a[2:].split("=", 1) for a in sys.argv[1:] if a.startswith("--") and "=" in a)
    if len(args) != 2:
        raise SystemExit(__doc__)
    sextant, datasets = args
    n = int(opts.get("targets", "200"))
    interval = int(opts.get("interval", "5"))
    warmup = int(opts.get("warmup", "60"))
    seconds = int(opts.get("seconds", "120"))
    perf_out = opts.get("perf")
    only = opts.get("only")
    page = open(os.path.join(datasets, "node_exporter-1.5.metrics.txt")).read()
    page_samples = sum(1 for line in page.splitlines() if line and not line.startswith("#"))
    port = free_port()
    threading.Thread(target=serve_forever, args=(port, page), daemon=True).start()
    tmp = tempfile.mkdtemp(prefix="scrape_cpu_")
    procs = []
    perf = None
    try:
        targets = [f"127.0.{i // 250}.{i % 250 + 1}:{port}" for i in range(n)]
        cfg = os.path.join(tmp, "prometheus.yml")
        with open(cfg, "w") as f:
            f.write(f"global: {{scrape_interval: {interval}s, scrape_timeout: {interval}s}}\n"
                    "scrape_configs:\n  - job_name: fleet\n    static_configs:\n"
                    f"      - targets: {json.dumps(targets)}\n")
        log = open(os.path.join(tmp, "servers.log"), "w")
        servers = []  # (name, process, base URL)
        if only in (None, "sextant"):
            sp = free_port()
            sx = subprocess.Popen([sextant, f"--config.file={cfg}", f"--storage.tsdb.path={tmp}/sx",
                                   f"--web.listen-address=127.0.0.1:{sp}"], stdout=log, stderr=log)
            servers.append(("sextant", sx, f"http://127.0.0.1:{sp}"))
        if only in (None, "prometheus"):
            pp = free_port()
            pr = subprocess.Popen(["prometheus", f"--config.file={cfg}",
                                   f"--storage.tsdb.path={tmp}/prom",
                                   f"--web.listen-address=127.0.0.1:{pp}"], stdout=log, stderr=log)
            servers.append(("prometheus", pr, f"http://127.0.0.1:{pp}"))
        procs = [p for _, p, _ in servers]
        for _, _, base in servers:
            wait_ready(base)
        time.sleep(warmup)
        if perf_out and servers[0][0] == "sextant":
            perf = subprocess.Popen(["perf", "record", "-g", "-o", perf_out, "-p",
                                     str(servers[0][1].pid)], stdout=log, stderr=log)
        c0 = {p.pid: cpu_seconds(p.pid) for p in procs}
        time.sleep(seconds)
        c1 = {p.pid: cpu_seconds(p.pid) for p in procs}
        rss = {p.pid: rss_bytes(p.pid) for p in procs}
        if perf is not None:
            perf.send_signal(2)
            perf.wait()
        window = f"{seconds}s"
        print(f"{n} targets x {page_samples} samples every {interval}s "
              f"({n * page_samples:,} series, {n * page_samples / interval:,.0f} samples/s), "
              f"{seconds}s measured after {warmup}s")
        print(f"{'server':<12} {'cpu s':>8} {'samples':>12} {'series':>9} {'targets up':>11} "
              f"{'us cpu / sample':>16} {'RSS MB':>8} {'RSS B / series':>15}")
        per = []
        mem = []
        for name, proc, base in servers:
            samples = query(base, f'sum(sum_over_time(scrape_samples_scraped{{job="fleet"}}[{window}]))')
            series = query(base, 'sum(scrape_samples_scraped{job="fleet"})')
            up = query(base, 'sum(up{job="fleet"})')
            cpu = c1[proc.pid] - c0[proc.pid]
            v = cpu / samples * 1e6 if samples else float("nan")
            per.append(v)
            m = rss[proc.pid] / series if series else float("nan")
            mem.append(m)
            print(f"{name:<12} {cpu:>8.2f} {samples:>12.0f} {series:>9.0f} {up:>11.0f} {v:>16.3f} "
                  f"{rss[proc.pid] / 2**20:>8.1f} {m:>15.0f}")
        if len(per) == 2:
            print(f"ratio sextant / prometheus: {per[0] / per[1]:.2f} CPU per sample (goal <= 0.5), "
                  f"{mem[0] / mem[1]:.2f} resident memory per series (goal <= 0.4)")
    finally:
        if perf is not None and perf.poll() is None:
            perf.kill()
        stop_servers(procs)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""CPU cost of scraping: Sextant and the reference Prometheus 2.42 scrape the same 1,000 targets
side by side (one local asyncio process serves them all, each target a distinct loopback address
127.0.x.y on one port, every page the real node_exporter 1.5 page of ../shared/datasets), and the
script prints CPU seconds per million scraped samples for each, and the ratio (goal <= 0.5).

Usage: compare_scrape_cpu.py <sextant> <datasets dir> [--targets=1000] [--interval=10]
       [--warmup=30] [--seconds=60]
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
    sextant, datasets = args
    n = int(opts.get("targets", "1000"))
    interval = int(opts.get("interval", "10"))
    warmup = int(opts.get("warmup", "30"))
    seconds = int(opts.get("seconds", "60"))
    page = open(os.path.join(datasets, "node_exporter-1.5.metrics.txt")).read()
    port = free_port()
    threading.Thread(target=serve_forever, args=(port, page), daemon=True).start()
    tmp = tempfile.mkdtemp(prefix="scrape_cpu_")
    procs = []
    try:
        targets = [f"127.0.{i // 250}.{i % 250 + 1}:{port}" for i in range(n)]
        cfg = os.path.join(tmp, "prometheus.yml")
        with open(cfg, "w") as f:
            f.write(f"global: {{scrape_interval: {interval}s, scrape_timeout: {interval}s}}\n"
                    "scrape_configs:\n  - job_name: fleet\n    static_configs:\n"
                    f"      - targets: {json.dumps(targets)}\n")
        sp, pp = free_port(), free_port()
        log = open(os.path.join(tmp, "servers.log"), "w")
        sx = subprocess.Popen([sextant, f"--config.file={cfg}", f"--storage.tsdb.path={tmp}/sx",
                               f"--web.listen-address=127.0.0.1:{sp}"], stdout=log, stderr=log)
        pr = subprocess.Popen(["prometheus", f"--config.file={cfg}", f"--storage.tsdb.path={tmp}/prom",
                               f"--web.listen-address=127.0.0.1:{pp}"], stdout=log, stderr=log)
        procs = [sx, pr]
        sbase, pbase = f"http://127.0.0.1:{sp}", f"http://127.0.0.1:{pp}"
        wait_ready(sbase)
        wait_ready(pbase)
        time.sleep(warmup)
        c0 = {p.pid: cpu_seconds(p.pid) for p in procs}
        time.sleep(seconds)
        c1 = {p.pid: cpu_seconds(p.pid) for p in procs}
        window = f"{seconds}s"
        rows = []
        for name, proc, base in (("sextant", sx, sbase), ("prometheus", pr, pbase)):
            samples = query(base, f'sum(sum_over_time(scrape_samples_scraped{{job="fleet"}}[{window}]))')
            up = query(base, 'sum(up{job="fleet"})')
            cpu = c1[proc.pid] - c0[proc.pid]
            rows.append((name, cpu, samples, up))
        print(f"{n} targets x {len(page.splitlines())} lines every {interval}s, {seconds}s measured")
        print(f"{'server':<12} {'cpu s':>8} {'samples':>12} {'targets up':>11} {'cpu s / 1M samples':>19}")
        per = []
        for name, cpu, samples, up in rows:
            v = cpu / samples * 1e6 if samples else float("nan")
            per.append(v)
            print(f"{name:<12} {cpu:>8.2f} {samples:>12.0f} {up:>11.0f} {v:>19.3f}")
        print(f"ratio sextant / prometheus: {per[0] / per[1]:.2f} (goal <= 0.5)")
    finally:
        stop_servers(procs)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

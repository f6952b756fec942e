#!/usr/bin/env python3
"""CPU cost of remote write: Sextant and the reference Prometheus 2.42, side by side, scrape the
same 100 targets (one local asyncio process serves them all, each target a distinct loopback
address 127.0.0.x on one port, every page the real node_exporter 1.5 page of ../shared/datasets)
and remote-write everything to one minimal receiver (a local asyncio process that reads each
request and answers 204 without decoding it; its CPU is not counted).

Each server runs twice: A without remote_write (scraping and storing alone) and B with one
remote_write entry (the same queue_config for both servers, max_samples_per_send set explicitly
since the defaults differ: 500 in 2.42, 2000 in 3.x). --layout=concurrent (the default) runs the
four processes at once, so A and B share one measured window and the machine's load at the time;
--layout=phases runs one process per server, measured without remote_write, then reloaded (SIGHUP)
with it and measured again.
For each server the script reads CPU seconds (utime + stime, /proc/<pid>/stat) over each window,
prometheus_tsdb_head_samples_appended_total and, in B, prometheus_remote_storage_samples_total
(samples forwarded) and _samples_failed_total / _retried_total / _samples_dropped_total from its
/metrics, and prints:
  - CPU seconds per million samples appended, in A and in B;
  - CPU seconds per million samples forwarded, in B (scraping + storing + sending);
  - the incremental cost of remote write: (B's CPU per appended sample - A's) per million
    samples forwarded, i.e. the CPU spent on sending alone;
  - the ratios Sextant / Prometheus of both (goal: at most 0.4 for the cost of sending).

Run it by hand on a quiet machine (`uptime` load below the core count), with a release build:
  cmake --preset release -S . && cmake --build --preset release -j2 --target sextant
  bench/compare_remote_write.py build/release/cmd/sextant/sextant ../shared/datasets \
      [--targets=100] [--interval=15] [--warmup=60] [--seconds=150] [--max-samples-per-send=2000]
      [--layout=concurrent|phases]
(--interval=5 gives numbers faster.) It takes warmup + seconds (twice that with phases) plus
start-up.
"""

import asyncio
import json
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_queries import stop_servers  # noqa: E402
from compare_scrape_cpu import cpu_seconds, free_port, serve_forever, wait_ready  # noqa: E402


def receive_forever(port):
    """A minimal remote-write receiver: reads each request's body and answers 204, counting
    requests and bytes per path; GET /stats answers the counts as JSON."""
    stats = {}

    async def handle(reader, writer):
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                line = head.split(b"\r\n", 1)[0].decode()
                method, path = line.split(" ")[:2]
                m = re.search(rb"(?im)^content-length:\s*(\d+)", head)
                body = await reader.readexactly(int(m.group(1))) if m else b""
                if method == "GET" and path == "/stats":
                    out = json.dumps(stats).encode()
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                 b"Content-Length: " + str(len(out)).encode() + b"\r\n\r\n" + out)
                else:
                    s = stats.setdefault(path, {"requests": 0, "bytes": 0})
                    s["requests"] += 1
                    s["bytes"] += len(body)
                    writer.write(b"HTTP/1.1 204 No Content\r\n\r\n")
                await writer.drain()
        except Exception:  # noqa: BLE001 - the sender closed the connection
            pass
        finally:
            writer.close()

    async def main():
        server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=1024)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


def scrape_metrics(base):
    with urllib.request.urlopen(base + "/metrics", timeout=60) as r:
        text = r.read().decode()
    out = {}
    for line in text.splitlines():
        m = re.match(r"([a-zA-Z_:][\w:]*)(?:\{.*\})?\s+(\S+)", line)
        if m and not line.startswith("#"):
            out[m.group(1)] = out.get(m.group(1), 0.0) + float(m.group(2))
    return out


COUNTERS = ("prometheus_tsdb_head_samples_appended_total",
            "prometheus_remote_storage_samples_total",
            "prometheus_remote_storage_samples_failed_total",
            "prometheus_remote_storage_samples_retried_total",
            "prometheus_remote_storage_samples_dropped_total",
            "prometheus_remote_storage_bytes_total")


def measure(servers, warmup, seconds):
    """{name: {"cpu": s, counter: delta}} over `seconds` after `warmup`."""
    time.sleep(warmup)
    before = {n: (cpu_seconds(p.pid), scrape_metrics(b)) for n, (p, b) in servers.items()}
    time.sleep(seconds)
    out = {}
    for n, (p, b) in servers.items():
        c1, m1 = cpu_seconds(p.pid), scrape_metrics(b)
        c0, m0 = before[n]
        out[n] = {"cpu": c1 - c0, **{k: m1.get(k, 0.0) - m0.get(k, 0.0) for k in COUNTERS}}
        out[n]["shards"] = m1.get("prometheus_remote_storage_shards", 0.0)
    return out


def write_config(path, targets, interval, receiver=None, name=None, max_per_send=2000):
    with open(path, "w") as f:
        f.write(f"global: {{scrape_interval: {interval}s, scrape_timeout: {min(interval, 10)}s}}\n"
                "scrape_configs:\n  - job_name: fleet\n    static_configs:\n"
                f"      - targets: {json.dumps(targets)}\n")
        if receiver:
            f.write(f"remote_write:\n  - url: {receiver}/{name}\n    name: {name}\n"
                    f"    queue_config: {{max_samples_per_send: {max_per_send}}}\n"
                    "    metadata_config: {send: true}\n")


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    opts = dict(a[2:].split("=", 1) for a in sys.argv[1:] if a.startswith("--") and "=" in a)
    if len(args) != 2:
        raise SystemExit(__doc__)
    sextant, datasets = args
    n = int(opts.get("targets", "100"))
    interval = int(opts.get("interval", "15"))
    warmup = int(opts.get("warmup", "60"))
    seconds = int(opts.get("seconds", "150"))
    per_send = int(opts.get("max-samples-per-send", "2000"))
    layout = opts.get("layout", "concurrent")
    if layout not in ("concurrent", "phases"):
        raise SystemExit(f"--layout={layout}: concurrent or phases")
    page = open(os.path.join(datasets, "node_exporter-1.5.metrics.txt")).read()
    tport, rport = free_port(), free_port()
    helpers = [multiprocessing.Process(target=serve_forever, args=(tport, page), daemon=True),
               multiprocessing.Process(target=receive_forever, args=(rport,), daemon=True)]
    for h in helpers:
        h.start()
    receiver = f"http://127.0.0.1:{rport}"
    tmp = tempfile.mkdtemp(prefix="compare_remote_write_")
    procs = []
    try:
        targets = [f"127.0.0.{i + 1}:{tport}" for i in range(n)]
        def start(name, binary):
            port = free_port()
            cfg = os.path.join(tmp, f"{name}.yml")
            write_config(cfg, targets, interval)
            log = open(os.path.join(tmp, f"{name}.log"), "w")
            proc = subprocess.Popen([binary, f"--config.file={cfg}",
                                     f"--storage.tsdb.path={tmp}/{name}",
                                     f"--web.listen-address=127.0.0.1:{port}"],
                                    stdout=log, stderr=log)
            procs.append(proc)
            return proc, f"http://127.0.0.1:{port}"

        def enable_remote_write(servers):
            for name, (proc, base) in servers.items():
                write_config(os.path.join(tmp, f"{name}.yml"), targets, interval, receiver,
                             name.split("-")[0], per_send)
                proc.send_signal(signal.SIGHUP)

        binaries = (("sextant", sextant), ("prometheus", "prometheus"))
        if layout == "phases":
            servers = {name: start(name, binary) for name, binary in binaries}
            for proc, base in servers.values():
                wait_ready(base)
            print(f"phase A (no remote write): {warmup}s warm-up, {seconds}s measured", flush=True)
            a = measure(servers, warmup, seconds)
            enable_remote_write(servers)
            print(f"phase B (remote write): {warmup}s warm-up, {seconds}s measured", flush=True)
            b = measure(servers, warmup, seconds)
        else:
            plain = {name: start(name, binary) for name, binary in binaries}
            sending = {f"{name}-rw": start(f"{name}-rw", binary) for name, binary in binaries}
            for proc, base in list(plain.values()) + list(sending.values()):
                wait_ready(base)
            enable_remote_write(sending)
            print(f"A and B at once: {warmup}s warm-up, {seconds}s measured", flush=True)
            both = measure({**plain, **sending}, warmup, seconds)
            a = {name: both[name] for name in plain}
            b = {name: both[f"{name}-rw"] for name in plain}
        with urllib.request.urlopen(receiver + "/stats", timeout=10) as r:
            received = json.loads(r.read())

        print(f"\n{n} targets x {len(page.splitlines())} lines every {interval}s, side by side "
              f"({layout}); max_samples_per_send {per_send}")
        print(f"{'server':<11} {'A cpu s':>8} {'A /1M app':>9} {'B cpu s':>8} {'B /1M app':>9} "
              f"{'forwarded':>10} {'B /1M fwd':>9} {'send /1M fwd':>12} {'failed':>6} "
              f"{'retried':>7} {'shards':>6} {'reqs (all)':>10} {'MB (all)':>8}")
        rows = {}
        for name, _ in binaries:
            ra, rb = a[name], b[name]
            app_a = ra["prometheus_tsdb_head_samples_appended_total"]
            app_b = rb["prometheus_tsdb_head_samples_appended_total"]
            fwd = rb["prometheus_remote_storage_samples_total"]
            per_app_a = ra["cpu"] / app_a * 1e6 if app_a else float("nan")
            per_app_b = rb["cpu"] / app_b * 1e6 if app_b else float("nan")
            per_fwd = rb["cpu"] / fwd * 1e6 if fwd else float("nan")
            send = (per_app_b - per_app_a) * app_b / fwd if fwd else float("nan")
            rows[name] = (per_fwd, send)
            got = received.get(f"/{name}", {"requests": 0, "bytes": 0})
            print(f"{name:<11} {ra['cpu']:>8.2f} {per_app_a:>9.3f} {rb['cpu']:>8.2f} "
                  f"{per_app_b:>9.3f} {fwd:>10.0f} {per_fwd:>9.3f} {send:>12.3f} "
                  f"{rb['prometheus_remote_storage_samples_failed_total']:>6.0f} "
                  f"{rb['prometheus_remote_storage_samples_retried_total']:>7.0f} "
                  f"{rb['shards']:>6.0f} {got['requests']:>10} {got['bytes'] / 1e6:>8.1f}")
            if fwd < 0.9 * app_b:
                print(f"  warning: {name} forwarded {fwd:.0f} of {app_b:.0f} appended samples")
        s, p = rows["sextant"], rows["prometheus"]
        print(f"sextant / prometheus: CPU per forwarded sample (all work) {s[0] / p[0]:.2f}; "
              f"incremental cost of remote write {s[1] / p[1]:.2f} (goal <= 0.4)")
    finally:
        stop_servers(procs)
        for h in helpers:
            h.terminate()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

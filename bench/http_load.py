#!/usr/bin/env python3
"""HTTP serving under load, Sextant against the reference Prometheus 2.42 (issue 12's load tests).

Both servers get the same backfilled data (a small recording of its own, below) and scrape
themselves every second. They are measured one after the other, so each has the machine to itself:

  keepalive   20 sequential instant queries on one keep-alive connection: median latency
              (goal: under 2 ms)
  concurrent  --clients (default 256) connections sending a query mix back to back for
              --seconds, while a prober (its own process) opens a fresh connection to
              /-/healthy every 100 ms:
              query throughput, health p50/p99 (goal: p99 under 100 ms) and self-scrapes missed
              (`up` samples in the window against one per second)
  slow        1,000 idle connections and 16 slowloris connections (a request line sent a few
              bytes at a time) held open while 50 queries are sent on a fresh connection each:
              all must succeed; their median latency (both servers run with
              --web.max-connections=2000, since the default 512 would hold the queries back)

Loopback only; counts and times are bounded. Prints one table and the throughput ratio
Sextant / Prometheus (goal at 64 clients: at least 1.5), with each server's CPU use during the
concurrent phase: the client is one Python process on the same 2 cores, so at high rates it
limits throughput too, and CPU per query shows each server's own cost.

The concurrent phase's clients are bench/http_load_client (native, little CPU) when the build
has benchmarks (cmake -DSEXTANT_BUILD_BENCHMARKS=ON), else this process's asyncio clients, which
on 2 cores take CPU the servers need (--python-client forces them).

Usage: http_load.py <sextant> <sextant-tool> [--clients=N] [--seconds=S] [--only=sextant]
                    [--python-client]
"""

import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_queries import free_port, wait_ready  # noqa: E402
from compare_scrape_cpu import cpu_seconds  # noqa: E402

# The recording: counters a_<N>_total with N = 1, 10, 100 series (label l) and classic histograms
# h_<N>_bucket (5 buckets per series), a sample every 10s for 3 hours. Small on purpose: this
# benchmark measures serving, not evaluation (bench/compare_queries.py does that at scale).
T0 = 1700000000
INTERVAL = 10
SAMPLES = 3 * 360 + 1
END = T0 + 3 * 3600
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
                    for le in LE:
                        f.write(f'h_{n}_bucket{{l="{i}",le="{le}"}} {2 * (LE.index(le) + 1) * k} '
                                f"{T0 + INTERVAL * k}\n")
        f.write("# EOF\n")

QUERIES = [
    "sum(rate(a_100_total[5m]))",
    "rate(a_10_total[1m])",
    "sum by (l) (rate(a_100_total[5m]))",
    "histogram_quantile(0.9, sum by (le) (rate(h_100_bucket[5m])))",
    "avg_over_time(a_10_total[10m])",
    "up",
]


def target(q, t=END):
    return "/api/v1/query?" + urllib.parse.urlencode({"query": q, "time": t})


async def read_response(reader):
    """Reads one HTTP/1.1 response; returns (status, body)."""
    line = await reader.readline()
    if not line:
        raise ConnectionError("closed")
    status = int(line.split()[1])
    length, chunked = None, False
    while True:
        h = await reader.readline()
        if h in (b"\r\n", b""):
            break
        name, _, value = h.decode("latin-1").partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if chunked:
        body = b""
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            if size == 0:
                await reader.readline()
                break
            body += await reader.readexactly(size)
            await reader.readline()
    else:
        body = await reader.readexactly(length or 0)
    return status, body


async def request(reader, writer, path, host):
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: http_load\r\n\r\n".encode())
    await writer.drain()
    return await read_response(reader)


class Conn:
    """A keep-alive connection that reconnects (and counts it) when the server closes it."""

    def __init__(self, port):
        self.port, self.reader, self.writer, self.reconnects = port, None, None, -1

    async def get(self, path):
        for _ in range(2):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
                self.reconnects += 1
            try:
                return await request(self.reader, self.writer, path, f"127.0.0.1:{self.port}")
            except (ConnectionError, asyncio.IncompleteReadError):
                self.writer.close()
                self.writer = None
        raise ConnectionError("closed twice")

    def close(self):
        if self.writer is not None:
            self.writer.close()


async def one_shot(port, path):
    t = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        status, _ = await request(reader, writer, path, f"127.0.0.1:{port}")
    finally:
        writer.close()
    return status, time.perf_counter() - t


async def keepalive(port):
    conn = Conn(port)
    times = []
    for i in range(21):
        t = time.perf_counter()
        status, _ = await conn.get(target(QUERIES[0]))
        if status != 200:
            raise SystemExit(f"keepalive: status {status}")
        if i > 0:  # the first pays for the connection
            times.append(time.perf_counter() - t)
    conn.close()
    return statistics.median(times), conn.reconnects


PROBER = """
import socket, sys, time
port, seconds = int(sys.argv[1]), float(sys.argv[2])
stop = time.perf_counter() + seconds
while time.perf_counter() < stop:
    t = time.perf_counter()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.sendall(b"GET /-/healthy HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n")
            ok = s.recv(64).startswith(b"HTTP/1.1 200")
            while s.recv(4096):
                pass
        print(time.perf_counter() - t if ok else 10.0, flush=True)
    except OSError:
        print(10.0, flush=True)
    time.sleep(0.1)
"""


# Set by main(): the native load generator when the build has it (benchmarks built).
NATIVE_CLIENT = None


async def concurrent(port, clients, seconds):
    stop = time.perf_counter() + seconds
    done = [0]
    errors = [0]

    async def client(k):
        conn = Conn(port)
        i = k
        while time.perf_counter() < stop:
            try:
                status, _ = await conn.get(target(QUERIES[i % len(QUERIES)]))
            except (ConnectionError, asyncio.IncompleteReadError, OSError):
                errors[0] += 1
                await asyncio.sleep(0.05)
                continue
            if status == 200:
                done[0] += 1
            else:
                errors[0] += 1
            i += 1
        conn.close()

    # The prober is its own process, so that the loaded client's event loop does not add to
    # the latencies it measures.
    prober = await asyncio.create_subprocess_exec(
        sys.executable, "-c", PROBER, str(port), str(seconds), stdout=asyncio.subprocess.PIPE)
    t0 = time.time()
    if NATIVE_CLIENT:
        # The native client (bench/http_load_client.cc) costs the shared cores far less than
        # this process would, so the servers rather than the client bound the throughput.
        native = await asyncio.create_subprocess_exec(
            NATIVE_CLIENT, str(port), str(clients), str(seconds),
            *(target(q) for q in QUERIES), stdout=asyncio.subprocess.PIPE)
        results = await asyncio.gather(prober.communicate(), native.communicate())
        ok, failed = results[1][0].split()
        done[0], errors[0] = int(ok), int(failed)
    else:
        results = await asyncio.gather(prober.communicate(), *(client(k) for k in range(clients)))
    t1 = time.time()
    health = sorted(float(x) for x in results[0][0].split())
    return {
        "qps": done[0] / seconds,
        "errors": errors[0],
        "health_p50": health[len(health) // 2],
        "health_p99": health[min(len(health) - 1, int(len(health) * 0.99))],
        "window": (t0, t1),
    }


async def slow(port):
    idle, loris = [], []
    for _ in range(1000):
        try:
            idle.append(await asyncio.open_connection("127.0.0.1", port))
        except OSError:
            break
    for _ in range(16):
        r, w = await asyncio.open_connection("127.0.0.1", port)
        w.write(b"GET /api/v1/query?query=up HTTP/1.1\r\nHo")
        loris.append((r, w))
    times, failed = [], 0
    for i in range(50):
        for _, w in loris:
            w.write(b"s")
        try:
            status, dt = await asyncio.wait_for(one_shot(port, target(QUERIES[i % len(QUERIES)])), 10)
            times.append(dt)
            failed += status != 200
        except (asyncio.TimeoutError, OSError):
            failed += 1
    for _, w in idle + loris:
        w.close()
    return {"idle_open": len(idle), "median": statistics.median(times) if times else float("nan"),
            "failed": failed}


def missed_scrapes(base, window):
    import json
    import urllib.request
    t0, t1 = window
    seconds = int(t1 - t0) - 2
    q = urllib.parse.urlencode({"query": f'count_over_time(up{{job="self"}}[{seconds}s])', "time": t1})
    with urllib.request.urlopen(f"{base}/api/v1/query?{q}", timeout=30) as r:
        res = json.loads(r.read())["data"]["result"]
    got = int(float(res[0]["value"][1])) if res else 0
    return max(0, seconds - got)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    opts = dict(a[2:].split("=", 1) if "=" in a else (a[2:], "1") for a in sys.argv[1:] if a.startswith("--"))
    if len(args) != 2:
        raise SystemExit(__doc__)
    sextant, tool = args
    clients = int(opts.get("clients", "256"))
    seconds = float(opts.get("seconds", "20"))
    global NATIVE_CLIENT
    # <build>/cmd/sextant/sextant -> <build>/bench/http_load_client; --python-client forces the
    # Python one.
    native = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(sextant)))),
                          "bench", "http_load_client")
    if os.access(native, os.X_OK) and "python-client" not in opts:
        NATIVE_CLIENT = native
    print(f"load generator: {NATIVE_CLIENT or 'python (asyncio)'}")
    work = tempfile.mkdtemp(prefix="http_load_")
    results = {}
    try:
        om = os.path.join(work, "data.om")
        recording(om)
        subprocess.run([tool, "tsdb", "create-blocks-from", "openmetrics", om, f"{work}/sextant"],
                       check=True, capture_output=True)
        servers = [("sextant", sextant)]
        if opts.get("only") != "sextant":
            subprocess.run(["promtool", "tsdb", "create-blocks-from", "openmetrics", om,
                            f"{work}/prometheus"], check=True, capture_output=True)
            servers.append(("prometheus", "prometheus"))
        for name, binary in servers:
            port = free_port()
            with open(f"{work}/{name}.yml", "w") as f:
                f.write("global: {scrape_interval: 1s, scrape_timeout: 1s}\nscrape_configs:\n"
                        f"  - job_name: self\n    static_configs: [{{targets: ['127.0.0.1:{port}']}}]\n")
            log = open(f"{work}/{name}.log", "w")
            proc = subprocess.Popen([binary, f"--config.file={work}/{name}.yml",
                                     f"--storage.tsdb.path={work}/{name}",
                                     f"--web.listen-address=127.0.0.1:{port}",
                                     "--storage.tsdb.retention.time=100y",
                                     # room for the slow test's 1,016 held connections (the
                                     # default limit of 512 would queue the queries behind them)
                                     "--web.max-connections=2000"], stdout=log, stderr=log)
            base = f"http://127.0.0.1:{port}"
            try:
                wait_ready(base, proc)
                time.sleep(2)
                median, reconnects = asyncio.run(keepalive(port))
                r = {"keepalive_ms": median * 1000, "keepalive_reconnects": reconnects}
                cpu0 = cpu_seconds(proc.pid)
                c = asyncio.run(concurrent(port, clients, seconds))
                cpu = cpu_seconds(proc.pid) - cpu0
                r.update({k: v for k, v in c.items() if k != "window"})
                r["cpu_cores"] = cpu / seconds
                r["cpu_per_query_ms"] = 1000 * cpu / max(1, c["qps"] * seconds)
                time.sleep(1.5)
                r["missed_scrapes"] = missed_scrapes(base, c["window"])
                s = asyncio.run(slow(port))
                r.update({f"slow_{k}": v for k, v in s.items()})
                results[name] = r
            finally:
                proc.terminate()
                proc.wait(timeout=60)
        rows = [("keepalive median (ms)", "keepalive_ms", "{:.2f}"),
                ("keepalive: reconnections in 20", "keepalive_reconnects", "{}"),
                (f"queries/s, {clients} clients", "qps", "{:.0f}"),
                ("query errors", "errors", "{}"),
                ("server CPU (cores)", "cpu_cores", "{:.2f}"),
                ("server CPU per query (ms)", "cpu_per_query_ms", "{:.3f}"),
                ("health p50 (ms)", "health_p50", "{:.1f}", 1000),
                ("health p99 (ms)", "health_p99", "{:.1f}", 1000),
                ("self-scrapes missed", "missed_scrapes", "{}"),
                ("idle connections held", "slow_idle_open", "{}"),
                ("queries beside slowloris: median (ms)", "slow_median", "{:.1f}", 1000),
                ("queries beside slowloris: failed", "slow_failed", "{}")]
        print(f"{'':<40}" + "".join(f"{n:>14}" for n in results))
        for row in rows:
            label, key, fmt = row[:3]
            scale = row[3] if len(row) > 3 else 1
            print(f"{label:<40}" + "".join(f"{fmt.format(results[n][key] * scale):>14}" for n in results))
        if "prometheus" in results and results["prometheus"]["qps"] > 0:
            print(f"throughput ratio sextant/prometheus: "
                  f"{results['sextant']['qps'] / results['prometheus']['qps']:.2f} (goal >= 1.5)")
    finally:
        if "keep" not in opts:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

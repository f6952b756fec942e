"""Fixtures of remote_write_e2e_test.py: a scrape target whose page changes at every scrape, and a
failure-injecting proxy in front of a remote-write receiver that decodes and records every
request (WriteRequest 1.0, snappy) with the answer it got."""

import collections
import http.server
import math
import socket
import struct
import threading
import time
import urllib.error
import urllib.request

from remote_read_stream_e2e_test import parse_message, signed64, unsnappy


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def quiet_server(port, handler):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# ---- the scrape target ----

class Target:
    """A page that changes at every scrape: two counters, two gauges and a histogram."""

    def __init__(self):
        self.n = 0
        self.lock = threading.Lock()
        target = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = target.page().encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; version=0.0.4")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = quiet_server(0, Handler)
        self.port = self.server.server_port

    def page(self):
        with self.lock:
            self.n += 1
            n = self.n
        buckets = [("0.05", 2 * n), ("0.1", 3 * n), ("0.5", 4 * n + n // 3), ("+Inf", 5 * n)]
        lines = ["# HELP target_requests_total Requests handled.",
                 "# TYPE target_requests_total counter",
                 f'target_requests_total{{code="200",method="get"}} {7 * n}',
                 f'target_requests_total{{code="500",method="get"}} {n // 4}',
                 "# HELP target_temperature_celsius Temperature.",
                 "# TYPE target_temperature_celsius gauge",
                 f'target_temperature_celsius{{room="a"}} {20 + math.sin(n / 3):.6f}',
                 f'target_temperature_celsius{{room="b"}} {n % 5 * 0.25 - 1}',
                 "# HELP target_latency_seconds Latency.",
                 "# TYPE target_latency_seconds histogram"]
        lines += [f'target_latency_seconds_bucket{{le="{le}"}} {c}' for le, c in buckets]
        lines += [f"target_latency_seconds_sum {n * 0.37:.2f}",
                  f"target_latency_seconds_count {5 * n}"]
        return "\n".join(lines) + "\n"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


# ---- the failure-injecting proxy ----

def decode_write(body):
    """A snappy WriteRequest: ([(labels tuple in wire order, [(t, value bits)])],
    [(family, type, help)] of its metadata)."""
    series, metadata = [], []
    for num, ts in parse_message(unsnappy(body)):
        if num == 3:
            f = dict(parse_message(ts))
            metadata.append((f.get(2, b"").decode(), f.get(1, 0), f.get(4, b"").decode()))
        if num != 1:
            continue
        labels, samples = [], []
        for n, v in parse_message(ts):
            if n == 1:
                f = dict(parse_message(v))
                labels.append((f.get(1, b"").decode(), f.get(2, b"").decode()))
            elif n == 2:
                f = dict(parse_message(v))
                samples.append((signed64(f.get(2, 0)), struct.unpack("<Q", f.get(1, bytes(8)))[0]))
        series.append((tuple(labels), samples))
    return series, metadata


class Proxy:
    """Forwards /a and /b to the receiver's /api/v1/write, or answers `mode` itself. Every request
    is recorded: (queue, era, answer status, [(series key, t, value bits)]), the key being the
    labels without the external labels and `via`. Down: the listener is closed."""

    def __init__(self, receiver, external, queue_headers):
        self.receiver = receiver
        self.external = external
        self.queue_headers = queue_headers  # queue -> {header: value} it must send
        self.mode = "ok"
        self.era = "before-kill"
        self.lock = threading.Lock()
        self.records = []
        self.problems = []
        self.metadata = collections.defaultdict(dict)  # queue -> family -> (type, help)
        self.port = free_port()
        self.server = None
        self.up()

    def handler(self):
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                queue = self.path.strip("/")
                with proxy.lock:
                    mode, era = proxy.mode, proxy.era
                proxy.check_headers(queue, self.headers)
                try:
                    series, metadata = decode_write(body)
                except Exception as e:  # noqa: BLE001 - reported as a failure
                    proxy.problem(f"{queue}: undecodable request: {e!r}")
                    series, metadata = [], []
                if mode == "ok":
                    status, text = proxy.forward(body, self.headers)
                else:
                    status, text = int(mode), f"injected {mode}".encode()
                samples = []
                for labels, ss in series:
                    if list(labels) != sorted(set(labels)):
                        proxy.problem(f"{queue}: labels not sorted or repeated: {labels}")
                    if [t for t, _ in ss] != sorted(t for t, _ in ss):
                        proxy.problem(f"{queue}: samples out of order in {labels}")
                    ext = proxy.external
                    key = tuple(kv for kv in labels if kv[0] not in ext and kv[0] != "via")
                    d = dict(labels)
                    if {k: d.get(k) for k in ext} != ext or d.get("via") != queue:
                        proxy.problem(f"{queue}: external labels or via missing in {labels}")
                    samples += [(key, t, v) for t, v in ss]
                with proxy.lock:
                    proxy.records.append((queue, era, status, samples))
                    if status // 100 == 2:
                        proxy.metadata[queue].update((f, (t, h)) for f, t, h in metadata)
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", str(len(text)))
                    self.end_headers()
                    self.wfile.write(text)
                except OSError:
                    pass  # the sender was killed while waiting: the request stays recorded

            def log_message(self, *args):
                pass

        return Handler

    def problem(self, what):
        with self.lock:
            if len(self.problems) < 20 and what not in self.problems:
                self.problems.append(what)

    def check_headers(self, queue, h):
        want = {"Content-Encoding": "snappy", "Content-Type": "application/x-protobuf",
                "X-Prometheus-Remote-Write-Version": "0.1.0"}
        want.update(self.queue_headers.get(queue, {}))
        for k, v in want.items():
            if h.get(k) != v:
                self.problem(f"{queue}: header {k}: {h.get(k)!r}, want {v!r}")
        if not h.get("User-Agent"):
            self.problem(f"{queue}: no User-Agent")

    def forward(self, body, headers):
        fwd = {k: headers[k] for k in ("Content-Encoding", "Content-Type", "User-Agent",
                                       "X-Prometheus-Remote-Write-Version") if headers.get(k)}
        req = urllib.request.Request(self.receiver + "/api/v1/write", data=body, headers=fwd)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            text = e.read()
            self.problem(f"the receiver refused a forwarded request: {e.code} {text[:200]!r}")
            return e.code, text
        except OSError as e:
            self.problem(f"forwarding failed: {e!r}")
            return 502, b"forwarding failed"

    def set(self, mode, era=None):
        """`mode`: "ok", "500", "429", "400" or "down"."""
        if mode == "down":
            self.down()
        elif self.server is None:
            self.up()
        with self.lock:
            self.mode = "ok" if mode == "down" else mode
            if era:
                self.era = era

    def up(self):
        if self.server is None:
            for _ in range(50):
                try:
                    self.server = quiet_server(self.port, self.handler())
                    return
                except OSError:
                    time.sleep(0.1)
            raise SystemExit(f"proxy: cannot listen on {self.port} again")

    def down(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def snapshot(self):
        with self.lock:
            return list(self.records)

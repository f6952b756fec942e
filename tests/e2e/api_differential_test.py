#!/usr/bin/env python3
"""Differential test of the HTTP API against the reference Prometheus 2.42.

Backfills the same recording into Sextant (sextant-tool) and Prometheus (promtool), starts both,
and compares the JSON of a table of API calls (query, query_range, series, labels, label values,
metadata, federate), plus `promtool query instant|range|series|labels` run against each. Then
checks remote write and read with a real Prometheus: it scrapes itself and remote-writes into
Sextant, and reads a series that only Sextant holds through remote read.

Query times avoid sample timestamps, where Prometheus 2.x (closed windows) and 3.x (left-open,
Sextant's target) differ by design. Values are compared as numbers within 1e-9 relative.

Usage: api_differential_test.py <sextant binary> <sextant-tool binary>
Exits 0 on success, 1 on a difference (printed), 77 (skipped) without prometheus/promtool.
"""

import json
import math
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

from e2e_procs import print_log_tails, stop, wait_ready

T0 = 1700000000  # the recording's first timestamp (s)
STEP = 15        # seconds between samples
N = 240          # samples per series: one hour


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def recording(extra):
    """An OpenMetrics recording: counters, gauges and a classic histogram over an hour."""
    out = []
    out.append("# TYPE http_requests counter")
    for job, code, rate in (("api", "200", 10), ("api", "500", 0.5), ("web", "200", 3)):
        for i in range(N):
            v = rate * STEP * i
            if job == "web" and i == 120:  # a counter reset
                pass
            if job == "web" and i >= 120:
                v = rate * STEP * (i - 120)
            out.append(f'http_requests_total{{job="{job}",code="{code}"}} {v} {T0 + STEP * i}')
    out.append("# TYPE gpu_utilization gauge")
    for gpu in range(3):
        for i in range(N):
            v = 50 + 10 * gpu + (i % 17) * 1.5
            out.append(f'gpu_utilization{{gpu="{gpu}",instance="node-1:9400"}} {v} {T0 + STEP * i}')
    out.append("# TYPE request_duration_seconds histogram")
    # Bounds already in float form: 3.x (and Sextant) rewrite le="1" as "1.0" at ingestion,
    # 2.42 does not, and remote read would then merge two different series.
    buckets = (("0.1", 5), ("0.5", 8), ("1.5", 9), ("2.5", 10), ("+Inf", 10))
    for i in range(N):
        for le, per in buckets:
            out.append(f'request_duration_seconds_bucket{{job="model",le="{le}"}} {per * i} {T0 + STEP * i}')
    for i in range(N):
        out.append(f'request_duration_seconds_count{{job="model"}} {10 * i} {T0 + STEP * i}')
        out.append(f'request_duration_seconds_sum{{job="model"}} {4.2 * i} {T0 + STEP * i}')
    if extra:
        out.append("# TYPE only_in_sextant gauge")
        for i in range(N):
            out.append(f'only_in_sextant{{source="backfill"}} {i} {T0 + STEP * i}')
    out.append("# EOF")
    return "\n".join(out) + "\n"


def get(base, path, params=None, method="GET"):
    url = base + path
    data = None
    if params:
        enc = urllib.parse.urlencode(params, doseq=True)
        if method == "GET":
            url += "?" + enc
        else:
            data = enc.encode()
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def same(a, b, path="$"):
    """The first difference between two JSON values, or None. Floats in strings compare as
    numbers (1e-9 relative); instant-vector results compare as sets."""
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            return f"{path}: keys {sorted(a)} != {sorted(b)}"
        for k in a:
            d = same(a[k], b[k], f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items != {len(b)}: {json.dumps(a)[:300]} vs {json.dumps(b)[:300]}"
        for i, (x, y) in enumerate(zip(a, b)):
            d = same(x, y, f"{path}[{i}]")
            if d:
                return d
        return None
    if isinstance(a, str) and isinstance(b, str) and a != b:
        try:
            x, y = float(a), float(b)
        except ValueError:
            return f"{path}: {a!r} != {b!r}"
        if math.isnan(x) and math.isnan(y):
            return None
        if x == y or abs(x - y) <= 1e-9 * max(abs(x), abs(y)):
            return None
        return f"{path}: {a} != {b}"
    if a != b:
        return f"{path}: {a!r} != {b!r}"
    return None


def normalize(body):
    j = json.loads(body)
    j.pop("warnings", None)  # 3.x annotations (e.g. rate on a non-counter name) are new
    j.pop("infos", None)
    data = j.get("data")
    if isinstance(data, dict) and data.get("resultType") == "vector":
        data["result"].sort(key=lambda s: json.dumps(s["metric"], sort_keys=True))
    if isinstance(data, dict) and data.get("resultType") == "matrix":
        data["result"].sort(key=lambda s: json.dumps(s["metric"], sort_keys=True))
    return j


def grafana_sequence(base):
    """Grafana's Prometheus datasource, replayed: the shapes it decodes."""
    bad = []

    def check(cond, what):
        if not cond:
            bad.append(f"grafana: {what}")

    # Health check: POST query=1+1&time=4, then buildinfo by GET and by POST with an empty body.
    status, body = get(base, "/api/v1/query", {"query": "1+1", "time": "4"}, "POST")
    check(status == 200 and json.loads(body)["data"] == {"resultType": "scalar", "result": [4, "2"]},
          f"health query: {status} {body}")
    for method in ("GET", "POST"):
        req = urllib.request.Request(base + "/api/v1/status/buildinfo", data=b"" if method == "POST" else None,
                                     method=method)
        with urllib.request.urlopen(req) as r:
            version = json.loads(r.read())["data"]["version"]
        parts = version.split("-")[0].split(".")
        check(len(parts) == 3 and all(p.isdigit() for p in parts), f"buildinfo version {version!r} not semver")
    # A panel: form POST, float seconds aligned to the step, a 1m0s duration.
    start, end = T0 + 600, T0 + 1800
    status, body = get(base, "/api/v1/query_range",
                       {"query": "sum by (job) (rate(http_requests_total[1m0s]))",
                        "start": f"{start:.3f}", "end": f"{end:.3f}", "step": "60"}, "POST")
    j = json.loads(body)
    ok = status == 200 and j["data"]["resultType"] == "matrix" and len(j["data"]["result"]) == 2
    for series in j.get("data", {}).get("result", []):
        for ts, value in series["values"]:
            ok = ok and isinstance(ts, (int, float)) and isinstance(value, str)
    check(ok, f"panel query_range: {status} {body[:300]}")
    # The metric browser.
    rng = {"start": str(T0), "end": str(T0 + 3600)}
    status, body = get(base, "/api/v1/label/__name__/values", {**rng, "limit": "40000"})
    check(status == 200 and "gpu_utilization" in json.loads(body)["data"], f"__name__ values: {body[:200]}")
    status, body = get(base, "/api/v1/labels", {**rng, "match[]": "gpu_utilization", "limit": "40000"}, "POST")
    check(status == 200 and json.loads(body)["data"] == ["__name__", "gpu", "instance"], f"labels: {body}")
    status, body = get(base, "/api/v1/series", {**rng, "match[]": "gpu_utilization", "limit": "40000"}, "POST")
    check(status == 200 and len(json.loads(body)["data"]) == 3, f"series: {body[:200]}")
    status, body = get(base, "/api/v1/metadata", {"limit": "1000"})
    check(status == 200 and isinstance(json.loads(body)["data"], dict), f"metadata: {body}")
    # Exemplar probe with odd milliseconds.
    status, body = get(base, "/api/v1/query_exemplars",
                       {"query": "gpu_utilization", "start": f"{T0}.123", "end": f"{T0 + 60}.456"})
    check(status == 200 and json.loads(body)["data"] == [], f"exemplars: {body}")
    # Rule and alert views decode typed structs.
    for path, key in (("/api/v1/rules", "groups"), ("/api/v1/alerts", "alerts")):
        req = urllib.request.Request(base + path)
        with urllib.request.urlopen(req) as r:
            ctype = r.headers.get("Content-Type", "")
            data = json.loads(r.read())["data"]
        check("json" in ctype and data.get(key) == [], f"{path}: {ctype} {data}")
    # A failed POST is retried as GET on 400/405: both answer alike.
    p_status, _ = get(base, "/api/v1/query", {"query": "sum("}, "POST")
    g_status, _ = get(base, "/api/v1/query", {"query": "sum("}, "GET")
    check(p_status == g_status == 400, f"bad query POST {p_status} GET {g_status}")
    return bad


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    sextant_bin, tool_bin = sys.argv[1], sys.argv[2]
    prometheus, promtool = shutil.which("prometheus"), shutil.which("promtool")
    if not prometheus or not promtool:
        print("SKIP: prometheus/promtool not installed (scripts/setup installs them)")
        return 77
    tmp = tempfile.mkdtemp(prefix="api_diff_")
    procs = []
    failures = []
    try:
        common = os.path.join(tmp, "common.om")
        with open(common, "w") as f:
            f.write(recording(extra=False))
        mine = os.path.join(tmp, "sextant.om")
        with open(mine, "w") as f:
            f.write(recording(extra=True))
        subprocess.run([tool_bin, "tsdb", "create-blocks-from", "openmetrics", mine,
                        os.path.join(tmp, "sextant-data")], check=True, capture_output=True)
        subprocess.run([promtool, "tsdb", "create-blocks-from", "openmetrics", common,
                        os.path.join(tmp, "prom-data")], check=True, capture_output=True)

        sp, pp = free_port(), free_port()
        sbase, pbase = f"http://127.0.0.1:{sp}", f"http://127.0.0.1:{pp}"
        prom_cfg = os.path.join(tmp, "prometheus.yml")
        with open(prom_cfg, "w") as f:
            f.write(f"""
global:
  scrape_interval: 1s
  external_labels: {{cluster: diff}}
scrape_configs:
  - job_name: prometheus
    static_configs: [{{targets: ['127.0.0.1:{pp}']}}]
remote_write:
  - url: {sbase}/api/v1/write
    queue_config: {{batch_send_deadline: 1s}}
remote_read:
  - url: {sbase}/api/v1/read
    read_recent: true
    # filter_external_labels (default true): Prometheus asks for cluster="diff", Sextant (same
    # external labels) turns that into cluster="" as Prometheus's read handler does, so the
    # backfilled series (no cluster label) are found, sent with cluster="diff", and Prometheus
    # strips it again: no duplicates of its own copies.
""")
        sext_cfg = os.path.join(tmp, "sextant.yml")
        with open(sext_cfg, "w") as f:
            f.write("global:\n  external_labels: {cluster: diff}\n")
        log_s = open(os.path.join(tmp, "sextant.log"), "w")
        log_p = open(os.path.join(tmp, "prometheus.log"), "w")
        procs.append(subprocess.Popen(
            [sextant_bin, f"--config.file={sext_cfg}", f"--storage.tsdb.path={tmp}/sextant-data",
             f"--web.listen-address=127.0.0.1:{sp}", "--storage.tsdb.retention.time=100y",
             "--web.enable-remote-write-receiver"], stdout=log_s, stderr=log_s))
        procs.append(subprocess.Popen(
            [prometheus, f"--config.file={prom_cfg}", f"--storage.tsdb.path={tmp}/prom-data",
             f"--web.listen-address=127.0.0.1:{pp}", "--storage.tsdb.retention.time=100y"],
            stdout=log_p, stderr=log_p))
        wait_ready(sbase, procs[0], "sextant", tries=200)
        wait_ready(pbase, procs[1], "prometheus", tries=200)

        t = lambda s: str(T0 + s)
        rng = {"start": t(0), "end": t(3600)}
        calls = [
            ("/api/v1/query", {"query": "http_requests_total", "time": t(1807)}),
            ("/api/v1/query", {"query": "rate(http_requests_total[5m])", "time": t(1807)}),
            ("/api/v1/query", {"query": "sum by (job) (rate(http_requests_total[5m]))", "time": t(2500.5)}),
            ("/api/v1/query", {"query": "increase(http_requests_total[10m])", "time": t(2107)}),
            ("/api/v1/query", {"query": 'sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))', "time": t(3000)}),
            ("/api/v1/query", {"query": "histogram_quantile(0.95, sum by (le) (rate(request_duration_seconds_bucket[5m])))", "time": t(1807)}),
            ("/api/v1/query", {"query": "avg_over_time(gpu_utilization[10m])", "time": t(1207)}),
            ("/api/v1/query", {"query": "topk(2, gpu_utilization)", "time": t(1207)}),
            ("/api/v1/query", {"query": "gpu_utilization > 65", "time": t(1207)}),
            ("/api/v1/query", {"query": "count(gpu_utilization)", "time": t(600)}),
            ("/api/v1/query", {"query": "scalar(sum(gpu_utilization))", "time": t(600)}),
            ("/api/v1/query", {"query": "1+1", "time": "4"}),
            ("/api/v1/query", {"query": '"text"', "time": "4"}),
            ("/api/v1/query", {"query": "gpu_utilization[1m]", "time": t(607)}),
            ("/api/v1/query", {"query": "nothing_here", "time": t(600)}),
            ("/api/v1/query", {"query": "rate(http_requests_total)", "time": t(600)}),
            ("/api/v1/query", {"query": "sum(", "time": t(600)}),
            ("/api/v1/query", {"query": "up", "time": "abc"}),
            ("/api/v1/query_range", {"query": "rate(http_requests_total[1m0s])", "start": t(600), "end": t(1200), "step": "60"}),
            ("/api/v1/query_range", {"query": "sum by (job) (rate(http_requests_total[5m]))", "start": t(1207), "end": t(2407), "step": "2m"}),
            ("/api/v1/query_range", {"query": "histogram_quantile(0.5, rate(request_duration_seconds_bucket[5m]))", "start": t(607), "end": t(1807), "step": "300"}),
            ("/api/v1/query_range", {"query": "gpu_utilization", "start": t(7), "end": t(3607), "step": "60"}),
            ("/api/v1/query_range", {"query": "up", "start": t(100), "end": t(0), "step": "60"}),
            ("/api/v1/query_range", {"query": "up", "start": t(0), "end": t(100), "step": "0"}),
            ("/api/v1/query_range", {"query": "up", "start": t(0), "end": t(100000), "step": "1"}),
            ("/api/v1/series", {"match[]": ["http_requests_total", "gpu_utilization{gpu='1'}"], **rng}),
            ("/api/v1/series", {"match[]": '{job="api"}', **rng}),
            ("/api/v1/series", {}),
            ("/api/v1/labels", {"match[]": ["http_requests_total", "request_duration_seconds_bucket"], **rng}),
            ("/api/v1/label/job/values", {"match[]": "http_requests_total", **rng}),
            ("/api/v1/label/le/values", {"match[]": "request_duration_seconds_bucket", **rng}),
            ("/api/v1/label/__name__/values", {"match[]": '{__name__=~"gpu.*|http.*|request.*"}', **rng}),
            ("/api/v1/format_query", {"query": "sum by(job)(rate(x[1m0s]))"}),
        ]
        for path, params in calls:
            for method in ("GET", "POST"):
                if path.startswith("/api/v1/label/") and method == "POST":
                    continue
                s_status, s_body = get(sbase, path, params, method)
                p_status, p_body = get(pbase, path, params, method)
                what = f"{method} {path} {params}"
                if s_status != p_status:
                    failures.append(f"{what}: status {s_status} != {p_status}\n  sextant: {s_body[:300]}\n  prometheus: {p_body[:300]}")
                    continue
                sj, pj = normalize(s_body), normalize(p_body)
                if sj.get("status") == "error":
                    # Same error type; messages may differ between 2.42 and 3.x wording.
                    if sj.get("errorType") != pj.get("errorType"):
                        failures.append(f"{what}: errorType {sj.get('errorType')} != {pj.get('errorType')}")
                    continue
                d = same(sj, pj)
                if d:
                    failures.append(f"{what}: {d}")

        # Federation at a time inside the recording is not possible (it uses now), so compare
        # the shapes on an empty window and on Prometheus's own self-scrape being absent.
        for method in ("GET",):
            s_status, s_body = get(sbase, "/federate", {"match[]": "gpu_utilization"})
            p_status, p_body = get(pbase, "/federate", {"match[]": "gpu_utilization"})
            if s_status != p_status or s_body.strip() != p_body.strip():
                failures.append(f"federate: {s_status} {s_body[:200]!r} != {p_status} {p_body[:200]!r}")

        # promtool against both: the same output.
        for args in (["instant", "--time", t(1807), "rate(http_requests_total[5m])"],
                     ["range", "--start", t(600), "--end", t(900), "--step", "60s", "sum(gpu_utilization)"],
                     ["series", "--match", "gpu_utilization", "--start", t(0), "--end", t(3600)],
                     ["labels", "--match", "gpu_utilization", "--start", t(0), "--end", t(3600), "gpu"]):
            outs = []
            for base in (sbase, pbase):
                cmd = [promtool, "query"] + args[:1] + [base] + args[1:]
                if args[0] in ("series",):
                    cmd = [promtool, "query", "series", base] + args[1:]
                if args[0] == "labels":
                    cmd = [promtool, "query", "labels", base] + args[1:]
                r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
                outs.append((r.returncode, sorted(r.stdout.splitlines()), r.stderr))
            if outs[0][0] != 0 or outs[0][:2] != outs[1][:2]:
                failures.append(f"promtool query {args}: sextant {outs[0]} != prometheus {outs[1]}")

        failures += grafana_sequence(sbase)

        # Remote write: Prometheus scrapes itself every second and writes into Sextant.
        deadline = time.time() + 30
        written = []
        while time.time() < deadline:
            status, body = get(sbase, "/api/v1/query", {"query": 'up{job="prometheus"}'})
            if status == 200:
                written = json.loads(body)["data"]["result"]
                if written:
                    break
            time.sleep(0.5)
        if not written or written[0]["metric"].get("cluster") != "diff":
            failures.append(f"remote write: up{{job=\"prometheus\"}} not in Sextant: {written}")
        else:
            # Federation of what was remote-written: the same series (the external label comes
            # with the samples into Sextant and is added by Prometheus's federation).
            def federated(base):
                status, body = get(base, "/federate", {"match[]": 'up{job="prometheus"}'})
                lines = [l for l in body.splitlines() if l and not l.startswith("#")]
                # Label order aside: Prometheus appends external labels after a series' own.
                series = []
                for l in lines:
                    head = l.rsplit(" ", 2)[0]
                    name, _, rest = head.partition("{")
                    series.append((name, tuple(sorted(rest.rstrip("}").split(",")))))
                return status, sorted(series), body
            s_fed, p_fed = federated(sbase), federated(pbase)
            if s_fed[0] != 200 or s_fed[:2] != p_fed[:2]:
                failures.append(f"federate: sextant {s_fed} != prometheus {p_fed}")
        # A body that is not snappy-compressed protobuf: 400 with a reason, nothing written.
        req = urllib.request.Request(sbase + "/api/v1/write", data=b"not snappy", method="POST")
        try:
            urllib.request.urlopen(req)
            failures.append("remote write of garbage was accepted")
        except urllib.error.HTTPError as e:
            if e.code != 400 or not e.read().strip():
                failures.append(f"remote write of garbage: {e.code}")
        # Remote read: a series only Sextant holds, queried through Prometheus.
        status, body = get(pbase, "/api/v1/query", {"query": "only_in_sextant", "time": t(1807)})
        result = json.loads(body)["data"]["result"] if status == 200 else body
        if not result or result[0]["value"][1] != "120":
            failures.append(f"remote read: only_in_sextant through Prometheus: {status} {body}")
    finally:
        stop(procs, timeout=10)
        if failures:
            print_log_tails(tmp, ("sextant.log", "prometheus.log"))
        shutil.rmtree(tmp, ignore_errors=True)
    for f in failures:
        print("DIFF", f)
    print(f"api differential: {len(calls)} calls x GET/POST, promtool, remote write/read: "
          f"{len(failures)} differences")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

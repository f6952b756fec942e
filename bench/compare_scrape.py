#!/usr/bin/env python3
"""Scrapes the same real targets with Sextant and the reference Prometheus 2.42, side by side,
with the same config, and compares what they stored: the set of series (identical label sets)
and the number of samples per series (equal within one scrape).

Targets: a prometheus-node-exporter and the reference Prometheus's own /metrics. Both servers
scrape both every --interval seconds for --seconds; then both are queried over the same window
(before any comparison query, so the queries themselves add no series to Prometheus's page).

Known 2.42 / 3.x difference, normalised before comparing: 3.x (Sextant's target) writes `le` and
`quantile` values in float form ("1" -> "1.0").

Usage: compare_scrape.py <sextant binary> [--seconds=180] [--interval=5]
Exit status 0 when the stored series and counts agree, 1 otherwise.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(base, path, **params):
    url = base + path + "?" + urllib.parse.urlencode(params, doseq=True)
    with urllib.request.urlopen(url, timeout=60) as r:
        return json.loads(r.read())["data"]


def wait_ready(base):
    for _ in range(300):
        try:
            if urllib.request.urlopen(base + "/-/ready", timeout=1).status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"{base} not ready")


def norm_value(name, value):
    if name in ("le", "quantile"):
        try:
            f = float(value)
        except ValueError:
            return value
        if f == float("inf"):
            return "+Inf"
        return repr(f) if f != int(f) or "e" in repr(f) else f"{f:.1f}"
    return value


def key(metric):
    return tuple(sorted((k, norm_value(k, v)) for k, v in metric.items()))


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    opts = dict(a[2:].split("=", 1) for a in sys.argv[1:] if a.startswith("--") and "=" in a)
    sextant = args[0]
    seconds = int(opts.get("seconds", "180"))
    interval = int(opts.get("interval", "5"))
    exporter = shutil.which("prometheus-node-exporter")
    tmp = tempfile.mkdtemp(prefix="compare_scrape_")
    procs = []
    try:
        np, pp, sp = free_port(), free_port(), free_port()
        procs.append(subprocess.Popen([exporter, f"--web.listen-address=127.0.0.1:{np}"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        cfg = os.path.join(tmp, "prometheus.yml")
        with open(cfg, "w") as f:
            f.write(f"global: {{scrape_interval: {interval}s, scrape_timeout: {interval}s}}\n"
                    "scrape_configs:\n"
                    f"  - job_name: node\n    static_configs: [{{targets: ['127.0.0.1:{np}']}}]\n"
                    f"  - job_name: prometheus\n    static_configs: [{{targets: ['127.0.0.1:{pp}']}}]\n")
        log = open(os.path.join(tmp, "servers.log"), "w")
        procs.append(subprocess.Popen(["prometheus", f"--config.file={cfg}",
                                       f"--storage.tsdb.path={tmp}/prom",
                                       f"--web.listen-address=127.0.0.1:{pp}"], stdout=log, stderr=log))
        procs.append(subprocess.Popen([sextant, f"--config.file={cfg}", f"--storage.tsdb.path={tmp}/sx",
                                       f"--web.listen-address=127.0.0.1:{sp}"], stdout=log, stderr=log))
        pbase, sbase = f"http://127.0.0.1:{pp}", f"http://127.0.0.1:{sp}"
        wait_ready(pbase)
        wait_ready(sbase)
        start = time.time()
        time.sleep(seconds + 10 + interval)
        end = time.time()
        # Skip the start: Prometheus applies discovered targets on a 5s tick, so its first
        # scrape comes up to 5s (plus the start offset) later than Sextant's.
        lo, hi = start + 10 + interval, end
        window = f"{int(hi - lo)}s"
        result = {}
        for name, base in (("sextant", sbase), ("prometheus", pbase)):
            series = get(base, "/api/v1/series", **{"match[]": ['{job=~"node|prometheus"}'],
                                                    "start": lo, "end": hi})
            raw = get(base, "/api/v1/query", query=f'{{job=~"node|prometheus"}}[{window}]', time=hi)
            result[name] = ({key(s) for s in series},
                            {key(r["metric"]): len(r["values"]) for r in raw["result"]})
        s_series, s_counts = result["sextant"]
        p_series, p_counts = result["prometheus"]
        only_s, only_p = s_series - p_series, p_series - s_series
        sc, pc = s_counts, p_counts
        off = [(k, sc[k], pc[k]) for k in set(sc) & set(pc) if abs(sc[k] - pc[k]) > 1]
        print(f"window {window}, interval {interval}s")
        print(f"series: sextant {len(s_series)}, prometheus {len(p_series)}, "
              f"only in sextant {len(only_s)}, only in prometheus {len(only_p)}")
        for k in sorted(only_s)[:15]:
            print("  only sextant:", dict(k))
        for k in sorted(only_p)[:15]:
            print("  only prometheus:", dict(k))
        print(f"sample counts differing by more than one scrape: {len(off)} of {len(set(sc) & set(pc))}")
        for k, a, b in off[:10]:
            print("  ", dict(k), "sextant", a, "prometheus", b)
        ok = not only_s and not only_p and not off
        print("SAME" if ok else "DIFFERENT")
        return 0 if ok else 1
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""End-to-end scraping: Sextant scrapes a real prometheus-node-exporter, a target serving a
malformed page and a small target that later stops, every second; then checks through the API the
stored series, `up`, the synthetic series, the targets' state and errors, the stale markers after
the target stops, and a reload (SIGHUP) that removes a job.

Usage: scrape_e2e_test.py <sextant binary>
Exits 0 on success, 1 on failure, 77 (skipped) without prometheus-node-exporter.
"""

import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(page, content_type="text/plain; version=0.0.4"):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = page.encode()
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def api(base, path, **params):
    url = base + path + ("?" + urllib.parse.urlencode(params) if params else "")
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read())["data"]


def query(base, q):
    return api(base, "/api/v1/query", query=q)["result"]


def main():
    sextant = sys.argv[1]
    exporter = shutil.which("prometheus-node-exporter")
    if not exporter:
        print("SKIP: prometheus-node-exporter not installed (scripts/setup installs it)")
        return 77
    tmp = tempfile.mkdtemp(prefix="scrape_e2e_")
    procs, failures = [], []

    def check(cond, what):
        if not cond:
            failures.append(what)
            print("FAIL", what)

    good = serve("# HELP job_progress Fraction done.\n# TYPE job_progress gauge\n"
                 'job_progress{run="a"} 0.5\njob_progress{run="b"} 0.25\n')
    bad = serve('ok_metric 1\nbroken{label="x" 2\n')
    try:
        np = free_port()
        procs.append(subprocess.Popen([exporter, f"--web.listen-address=127.0.0.1:{np}"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        sp = free_port()
        base = f"http://127.0.0.1:{sp}"
        cfg = os.path.join(tmp, "prometheus.yml")
        jobs = {
            "node": f"127.0.0.1:{np}",
            "good": f"127.0.0.1:{good.server_port}",
            "bad": f"127.0.0.1:{bad.server_port}",
        }

        def write_config(names):
            with open(cfg, "w") as f:
                f.write("global: {scrape_interval: 1s, scrape_timeout: 900ms}\nscrape_configs:\n")
                for n in names:
                    f.write(f"  - job_name: {n}\n    static_configs: [{{targets: ['{jobs[n]}']}}]\n")

        write_config(["node", "good", "bad"])
        log = open(os.path.join(tmp, "sextant.log"), "w")
        sx = subprocess.Popen([sextant, f"--config.file={cfg}", f"--storage.tsdb.path={tmp}/data",
                               f"--web.listen-address=127.0.0.1:{sp}"], stdout=log, stderr=log)
        procs.append(sx)
        for _ in range(100):
            try:
                if urllib.request.urlopen(base + "/-/ready", timeout=1).status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        time.sleep(4.5)

        up = {r["metric"]["job"]: r["value"][1] for r in query(base, "up")}
        check(up == {"node": "1", "good": "1", "bad": "0"}, f"up per job: {up}")
        n_node = query(base, 'count({job="node"})')
        check(n_node and int(n_node[0]["value"][1]) > 200, f"node_exporter series: {n_node}")
        load = query(base, 'node_load1{job="node"}')
        check(len(load) == 1 and load[0]["metric"].get("instance") == jobs["node"], f"node_load1: {load}")
        for name in ("scrape_duration_seconds", "scrape_samples_scraped",
                     "scrape_samples_post_metric_relabeling", "scrape_series_added"):
            r = query(base, f'{name}{{job="good"}}')
            check(len(r) == 1, f"{name}: {r}")
        scraped = query(base, 'scrape_samples_scraped{job="good"}')
        check(scraped and scraped[0]["value"][1] == "2", f"scrape_samples_scraped: {scraped}")
        n = query(base, 'count_over_time(job_progress{job="good",run="a"}[1m])')
        check(n and float(n[0]["value"][1]) >= 3, f"several scrapes of the good target: {n}")
        check(not query(base, '{job="bad",__name__!~"up|scrape_.*"}'), "nothing of the malformed page")
        targets = {t["labels"]["job"]: t for t in api(base, "/api/v1/targets")["activeTargets"]}
        check(targets["bad"]["health"] == "down" and "line 2" in targets["bad"]["lastError"],
              f"bad target: {targets.get('bad')}")
        check(targets["node"]["health"] == "up" and targets["node"]["lastError"] == "",
              f"node target: {targets.get('node')}")
        meta = api(base, "/api/v1/metadata", metric="job_progress")
        check(meta.get("job_progress") == [{"type": "gauge", "help": "Fraction done.", "unit": ""}],
              f"metadata: {meta}")

        # The good target stops: its series end with a stale marker at the next scrape.
        good.shutdown()
        good.server_close()
        time.sleep(2.5)
        check(query(base, 'up{job="good"}')[0]["value"][1] == "0", "up after the target stopped")
        check(not query(base, 'job_progress{job="good"}'), "series stale after the target stopped")
        raw = query(base, 'job_progress{job="good",run="a"}[10s]')
        check(raw and len(raw[0]["values"]) >= 1, "samples before the stop are kept")

        # Reload without the node job: its series go stale, the bad job keeps running.
        write_config(["bad"])
        sx.send_signal(signal.SIGHUP)
        time.sleep(1.5)
        check(not query(base, 'node_load1{job="node"}'), "node series stale after the job was removed")
        check(not query(base, 'up{job="node"}'), "node up stale after the job was removed")
        pools = api(base, "/api/v1/scrape_pools")["scrapePools"]
        check(pools == ["bad"], f"scrape pools after reload: {pools}")
        check(query(base, 'up{job="bad"}')[0]["value"][1] == "0", "bad job still scraped")
    finally:
        bad.shutdown()
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        if failures:
            print(open(os.path.join(tmp, "sextant.log")).read()[-3000:])
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"scrape e2e: {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

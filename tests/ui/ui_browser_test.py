#!/usr/bin/env python3
"""The web UI in a real browser: starts Sextant (scraping itself and a dead target, with a
recording and an alerting rule, under a route prefix), then has headless Chromium render every
page (`chromium --headless --dump-dom`, which runs the page's JavaScript) and checks that each
shows what it must: the query page's table and graph for URL-encoded panels, the targets with
their health and Go-worded errors, the firing alert, the rules, and the status pages.

Usage: ui_browser_test.py <sextant binary>
Exits 0 on success, 1 on failure, 77 (skipped) without chromium. CI skips it (label `browser`);
run it with `apt-get install chromium` and `ctest --preset debug -L browser`.
"""

import html
import os
import re
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


def render(url):
    """The text of `url`'s page after its scripts ran (up to 10 s of virtual time): the DOM
    without its tags, so that `job="self"` is found however the labels are marked up."""
    out = subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=10000",
         "--dump-dom", url],
        capture_output=True, text=True, timeout=120)
    body = out.stdout.split("<body", 1)[-1]
    return html.unescape(re.sub(r"<[^>]*>", "", body))


def main():
    if shutil.which("chromium") is None:
        print("chromium not installed: skipped")
        return 77
    sextant = sys.argv[1]
    port = free_port()
    tmp = tempfile.mkdtemp(prefix="ui_browser_")
    with open(os.path.join(tmp, "prometheus.yml"), "w") as f:
        f.write(f"""global: {{scrape_interval: 1s, evaluation_interval: 1s}}
rule_files: [rules.yml]
scrape_configs:
  - job_name: self
    metrics_path: /ui/metrics
    static_configs: [{{targets: ['127.0.0.1:{port}']}}]
  - job_name: dead
    static_configs: [{{targets: ['127.0.0.1:1']}}]
""")
    with open(os.path.join(tmp, "rules.yml"), "w") as f:
        f.write("""groups:
  - name: demo
    rules:
      - record: job:up:sum
        expr: sum by (job) (up)
      - alert: TargetDown
        expr: up == 0
        labels: {severity: page}
        annotations: {summary: "{{ $labels.instance }} is down"}
""")
    base = f"http://127.0.0.1:{port}/ui"
    proc = subprocess.Popen(
        [sextant, f"--config.file={tmp}/prometheus.yml", f"--storage.tsdb.path={tmp}/data",
         f"--web.listen-address=127.0.0.1:{port}", f"--web.external-url={base}/",
         "--web.page-title=Sextant <UI test>"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    failures = []
    try:
        for _ in range(100):
            try:
                if urllib.request.urlopen(base + "/-/ready", timeout=1).status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        time.sleep(4)  # a few scrapes and rule evaluations

        def expect(path, *needles):
            dom = render(base + path)
            for n in needles:
                if n not in dom:
                    failures.append(f"{path}: {n!r} not shown")

        q = urllib.parse.urlencode({"g0.expr": "up", "g0.tab": "table",
                                    "g1.expr": "job:up:sum", "g1.tab": "graph",
                                    "g1.range_input": "5m"})
        expect("/query?" + q, 'job="self"', 'job="dead"', "job:up:sum", "results")
        expect("/graph?" + urllib.parse.urlencode({"g0.expr": "up", "g0.tab": "1"}), 'job="self"')
        expect("/targets", "Target health", f"127.0.0.1:{port}/ui/metrics",
               "dial tcp 127.0.0.1:1: connect: connection refused")
        expect("/alerts", "TargetDown", "demo")
        expect("/rules", "job:up:sum", "TargetDown")
        expect("/service-discovery", "self", "dead")
        expect("/status", "Storage retention")
        expect("/flags", "storage.tsdb.retention.time")
        expect("/config", "job_name: self")
        expect("/tsdb-status", "Head")
        expect("/alertmanager-discovery", "Alertmanager")
        head = subprocess.run(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu",
             "--virtual-time-budget=10000", "--dump-dom", base + "/status"],
            capture_output=True, text=True, timeout=120).stdout
        if "<title>Runtime &amp; build information - Sextant &lt;UI test&gt;</title>" not in head:
            failures.append("the page title is not the page's and --web.page-title's")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)
    for f in failures:
        print("FAIL:", f)
    print("ui_browser_test:", "ok" if not failures else f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

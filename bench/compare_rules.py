#!/usr/bin/env python3
"""CPU cost of rule evaluation: Sextant and the reference Prometheus 2.42 evaluate the same 1,000
recording rules over the same 10,000 scraped series side by side, and the script prints the CPU
seconds per evaluation cycle (all groups evaluated once) of each, and the ratio Sextant /
Prometheus (goal <= 0.5).

Data: one local asyncio process (compare_scrape_cpu.serve_forever) serves 5 targets (127.0.0.1-5
on one port) that both servers scrape every --interval seconds. Each page has, per group g0..gN,
a counter app_requests_total{group} (value rate x wall clock, so it increases at every scrape
whoever scrapes) and a gauge app_inflight_requests{group} (a slow sine): --series = groups x 5
targets x 2 metrics. Serving every target from one process keeps the data identical for both
servers without a second exporter; a counter and a gauge per group (rather than one counter on 10
instances) give avg_over_time a gauge to average and the ratio a meaningful pair (Little's law).

Rules: --rules recording rules in groups of 100 (rules_0, rules_1, ...), evaluated every
--interval seconds; rule k reads only the series of group g(k mod groups), cycling through:
    group:app_requests:rate1m               sum by (group) (rate(app_requests_total{...}[1m]))
    group:app_inflight_requests:avg1m       avg by (group) (avg_over_time(app_inflight_requests{...}[1m]))
    group:app_request_latency_seconds:ratio1m   sum by (group) (avg_over_time(inflight[1m]))
                                                / sum by (group) (rate(requests[1m]))
    group_instance:app_requests:rate1m      rate(app_requests_total{...}[1m])  (one per target)

Measurement: both servers run at once on the same data. Phase 1 (scraping only, no rule_files)
measures each process's CPU (utime + stime of /proc/<pid>/stat) over --window seconds after
--warmup; then the config gains rule_files, both get SIGHUP, and once every group has run twice
phase 2 measures the same window again. The rule CPU is phase 2 minus phase 1 (scaled to phase 2's
length), divided by the evaluation cycles in phase 2: the increase of
prometheus_rule_group_iterations_total summed over groups, divided by the number of groups.
Reloading the same processes (rather than starting a second pair with rules) keeps the scrape
baseline of exactly the processes measured, with their heads already holding the 10,000 series.
Both phases poll /metrics every interval, so that cost cancels out. Also printed: the mean over
phase 2's polls of prometheus_rule_group_last_duration_seconds summed over groups (wall time of a
cycle, one group after another). Before reporting, each server must hold exactly the expected
number of recorded series (count({__name__=~"group(_instance)?:.+"})) and have no failed or
missed evaluations; and both must agree within 5% on the sum of each recorded metric. A server
failing a check is reported (FAILED ...), the others still measured, and the exit status is 1.

Usage: compare_rules.py [<sextant>] [<prometheus>] [--series=10000] [--rules=1000] [--window=60]
       [--interval=5] [--warmup=20] [--keep]
Defaults: build/release/cmd/sextant/sextant, prometheus on PATH. About 3 minutes with defaults.
"""

import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_queries import wait_ready  # noqa: E402
from compare_scrape_cpu import cpu_seconds, free_port, query, serve_forever  # noqa: E402

TARGETS = 5
RULES_PER_GROUP = 100
RECORDED = 'count({__name__=~"group(_instance)?:.+"})'
KINDS = [
    ("group:app_requests:rate1m",
     'sum by (group) (rate(app_requests_total{{group="{g}"}}[1m]))', 1),
    ("group:app_inflight_requests:avg1m",
     'avg by (group) (avg_over_time(app_inflight_requests{{group="{g}"}}[1m]))', 1),
    ("group:app_request_latency_seconds:ratio1m",
     'sum by (group) (avg_over_time(app_inflight_requests{{group="{g}"}}[1m]))'
     ' / sum by (group) (rate(app_requests_total{{group="{g}"}}[1m]))', 1),
    ("group_instance:app_requests:rate1m",
     'rate(app_requests_total{{group="{g}"}}[1m])', TARGETS),
]


def page_function(groups):
    """The exporter's page at the time of the request."""
    counters = [f'app_requests_total{{group="g{g}"}} ' for g in range(groups)]
    gauges = [f'app_inflight_requests{{group="g{g}"}} ' for g in range(groups)]
    rates = [1 + g % 7 for g in range(groups)]

    def page():
        t = time.time()
        out = ["# TYPE app_requests_total counter\n"]
        out += [f"{c}{math.floor(t * r)}\n" for c, r in zip(counters, rates)]
        out.append("# TYPE app_inflight_requests gauge\n")
        out += [f"{p}{20 + 10 * math.sin(t / 30 + g):.3f}\n" for g, p in enumerate(gauges)]
        return "".join(out).encode()

    return page, sum(rates) * TARGETS


def write_rules(path, rules, groups, interval):
    expected = 0
    with open(path, "w") as f:
        f.write("groups:\n")
        for k in range(rules):
            if k % RULES_PER_GROUP == 0:
                f.write(f"  - name: rules_{k // RULES_PER_GROUP}\n    interval: {interval}s\n    rules:\n")
            name, expr, outputs = KINDS[k % len(KINDS)]
            f.write(f"      - record: {name}\n        expr: '{expr.format(g=f'g{k % groups}')}'\n")
            expected += outputs
    return expected


def write_config(path, port, interval, rule_file=None):
    targets = ", ".join(f'"127.0.0.{i + 1}:{port}"' for i in range(TARGETS))
    with open(path, "w") as f:
        f.write(f"global: {{scrape_interval: {interval}s, scrape_timeout: {interval}s, "
                f"evaluation_interval: {interval}s}}\n"
                f"scrape_configs:\n  - job_name: app\n    static_configs:\n      - targets: [{targets}]\n")
        if rule_file:
            f.write(f"rule_files: [{rule_file}]\n")


def rule_metrics(base):
    """Per metric name of /metrics starting prometheus_rule_group_ or prometheus_rule_evaluation:
    the sum over its series."""
    out = {}
    with urllib.request.urlopen(base + "/metrics", timeout=30) as r:
        for line in r.read().decode().splitlines():
            if line.startswith("prometheus_rule_"):
                m = re.match(r"([a-zA-Z_:]+)(\{.*\})?\s+(\S+)", line)
                if m:
                    out.setdefault(m[1], 0.0)
                    out[m[1]] += float(m[3])
                    if m[1] == "prometheus_rule_group_iterations_total":
                        out["groups"] = out.get("groups", 0) + 1
    return out


class Server:
    def __init__(self, name, binary, tmp, cfg, log):
        self.name, self.failures = name, []
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen([binary, f"--config.file={cfg}", f"--storage.tsdb.path={tmp}/{name}",
                                      f"--web.listen-address=127.0.0.1:{port}"], stdout=log, stderr=log)

    def alive(self):
        return self.proc.poll() is None

    def fail(self, why):
        self.failures.append(why)


def measure(servers, seconds, interval):
    """CPU seconds and rule metrics of each server over `seconds`, polling /metrics every
    `interval`; returns {name: (cpu, wall, first metrics, last metrics, [last-duration sums])}."""
    live = [s for s in servers if s.alive()]
    c0 = {s.name: cpu_seconds(s.proc.pid) for s in live}
    m0 = {s.name: rule_metrics(s.base) for s in live}
    t0 = time.monotonic()
    durations = {s.name: [] for s in live}
    m1 = m0
    while time.monotonic() - t0 < seconds - 0.01:
        time.sleep(min(interval, seconds - (time.monotonic() - t0)))
        m1 = {s.name: rule_metrics(s.base) for s in live}
        for s in live:
            durations[s.name].append(m1[s.name].get("prometheus_rule_group_last_duration_seconds", 0.0))
    c1 = {s.name: cpu_seconds(s.proc.pid) for s in live}
    wall = time.monotonic() - t0
    return {s.name: (c1[s.name] - c0[s.name], wall, m0[s.name], m1[s.name], durations[s.name]) for s in live}


def wait_rules(servers, groups, timeout):
    """Waits until every group of every server has run at least twice."""
    deadline = time.monotonic() + timeout
    pending = [s for s in servers if s.alive()]
    while pending and time.monotonic() < deadline:
        time.sleep(1)
        for s in list(pending):
            m = rule_metrics(s.base)
            if m.get("groups", 0) == groups and m.get("prometheus_rule_group_iterations_total", 0) >= 2 * groups:
                pending.remove(s)
    for s in pending:
        s.fail(f"its {groups} rule groups did not run twice within {timeout}s of the reload "
               f"(rule_files not loaded, or no rule manager in this binary?)")


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    opts = dict(a[2:].split("=", 1) if "=" in a else (a[2:], "1") for a in sys.argv[1:] if a.startswith("--"))
    if len(args) > 2 or "help" in opts:
        raise SystemExit(__doc__)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sextant = args[0] if args else os.path.join(root, "build/release/cmd/sextant/sextant")
    prometheus = args[1] if len(args) > 1 else "prometheus"
    for b in (sextant, prometheus):
        if not shutil.which(b):
            raise SystemExit(f"missing: {b} (build a release: cmake --preset release && "
                             "cmake --build --preset release --target sextant; apt-get install prometheus)")
    n_series = int(opts.get("series", "10000"))
    n_rules = int(opts.get("rules", "1000"))
    window = int(opts.get("window", "60"))
    interval = int(opts.get("interval", "5"))
    warmup = int(opts.get("warmup", "20"))
    groups = max(1, n_series // (2 * TARGETS))
    n_groups = math.ceil(n_rules / RULES_PER_GROUP)

    page, total_rate = page_function(groups)
    port = free_port()
    threading.Thread(target=serve_forever, args=(port, page), daemon=True).start()
    tmp = tempfile.mkdtemp(prefix="compare_rules_")
    servers = []
    try:
        cfg, rule_file = os.path.join(tmp, "prometheus.yml"), os.path.join(tmp, "rules.yml")
        expected = write_rules(rule_file, n_rules, groups, interval)
        write_config(cfg, port, interval)
        log = open(os.path.join(tmp, "servers.log"), "w")
        servers = [Server("sextant", sextant, tmp, cfg, log), Server("prometheus", prometheus, tmp, cfg, log)]
        for s in servers:
            wait_ready(s.base, s.proc)
        time.sleep(warmup)
        for s in servers:
            if query(s.base, 'count({__name__=~"app_.*"})') != groups * TARGETS * 2:
                s.fail("does not hold the scraped series")
        base = measure(servers, window, interval)

        write_config(cfg, port, interval, rule_file)
        for s in servers:
            s.proc.send_signal(signal.SIGHUP)
        wait_rules(servers, n_groups, 12 * interval)
        time.sleep(interval)
        ruled = measure(servers, window, interval)

        rows, per = [], {}
        for s in servers:
            if not s.alive():
                s.fail(f"exited with {s.proc.returncode} (see {tmp}/servers.log; --keep keeps it)")
                continue
            cpu0, wall0, *_ = base[s.name]
            cpu1, wall1, m0, m1, durations = ruled[s.name]
            recorded = query(s.base, RECORDED)
            if recorded != expected:
                s.fail(f"holds {recorded:.0f} recorded series, expected {expected}")
            delta = {k: m1.get(k, 0.0) - m0.get(k, 0.0) for k in m1}
            cycles = delta.get("prometheus_rule_group_iterations_total", 0.0) / n_groups
            for k in ("prometheus_rule_evaluation_failures_total", "prometheus_rule_group_iterations_missed_total"):
                if delta.get(k, 0.0):
                    s.fail(f"{k} rose by {delta[k]:.0f}")
            sums = [query(s.base, f"sum({name})") for name, _, _ in KINDS]
            rule_cpu = cpu1 - cpu0 * wall1 / wall0
            v = rule_cpu / cycles if cycles else float("nan")
            if cycles and not s.failures:
                per[s.name] = v
            last = sum(durations) / len(durations) if durations else float("nan")
            rows.append((s.name, cpu0, cpu1, cycles, v, last, recorded, sums))
        if len(rows) == 2:
            for (name, _, _), a, b in zip(KINDS, rows[0][7], rows[1][7]):
                if not 0.95 * b <= a <= 1.05 * b:
                    servers[0].fail(f"sum({name}) is {a:.4g} here and {b:.4g} in Prometheus")
                    per.pop("sextant", None)

        print(f"{groups * TARGETS * 2} series ({TARGETS} targets x {groups} groups x 2 metrics) scraped every "
              f"{interval}s; {n_rules} recording rules in {n_groups} groups every {interval}s; "
              f"{window}s measured without and with rules")
        print(f"{'server':<12} {'cpu s scrape':>12} {'cpu s +rules':>12} {'cycles':>7} "
              f"{'rule cpu ms/cycle':>18} {'group durations ms':>19} {'recorded':>9}")
        for name, cpu0, cpu1, cycles, v, last, recorded, _ in rows:
            print(f"{name:<12} {cpu0:>12.2f} {cpu1:>12.2f} {cycles:>7.1f} {v * 1000:>18.1f} "
                  f"{last * 1000:>19.1f} {recorded:>9.0f}")
        print(f"(recorded series expected: {expected}; group durations: the sum over groups of "
              "prometheus_rule_group_last_duration_seconds, mean of the polls)")
        failed = False
        for s in servers:
            for why in s.failures:
                print(f"FAILED {s.name}: {why}")
                failed = True
        if "sextant" in per and "prometheus" in per:
            print(f"ratio sextant / prometheus: {per['sextant'] / per['prometheus']:.2f} (goal <= 0.5)")
        else:
            print("ratio sextant / prometheus: not available")
        if failed:
            sys.exit(1)
    finally:
        for s in servers:
            s.proc.terminate()
        for s in servers:
            try:
                s.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                s.proc.kill()
        if "keep" in opts:
            print("kept", tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

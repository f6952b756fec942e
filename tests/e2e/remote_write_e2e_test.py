#!/usr/bin/env python3
"""Remote write end to end: Sextant scrapes a small target (counters, gauges, a histogram) and
itself every second and remote-writes, through four remote_write entries, to real receivers:

  direct   the reference Prometheus 2.42 (--web.enable-remote-write-receiver). The same queries
           (the raw samples of the target and of the self-scrape over the whole test,
           count by (__name__), the histogram's buckets, a rate and a histogram_quantile as range
           queries) must give equal answers on Sextant's API and on the receiver's,
           global.external_labels included;
  influx   InfluxDB 1.6 (/api/v1/prom/write). The target's samples, read back with InfluxQL,
           must be Sextant's (InfluxDB drops NaN, so stale markers are not looked for there);
  a, b     a failure-injecting proxy in front of the same Prometheus receiver, with
           write_relabel_configs (only job="target", plus via="a" or via="b"), a header (a) and
           basic auth (b); retry_on_http_429 false (a) and true (b). The proxy decodes every
           request and records its answer, then answers 500, 429, 400, or closes its listener
           (connection refused) for a few seconds each, and finally stays down while Sextant is
           SIGKILLed and restarted on the same data directory.

Checked for a and b: every sample Sextant holds for the target's series reached the proxy and got
a final answer (nothing lost, across the 5xx, 429, refused connections and the SIGKILL); samples
refused with 400 (and 429 for a) were not sent again and are exactly the increase of
prometheus_remote_storage_samples_failed_total; 500 (and 429 for b) answers are retried, and
samples_retried_total counts each retried sample; no sample was accepted twice, except, after
the restarts, at most one batch (max_samples_per_send) that was in flight at a kill (a second
SIGKILL hits with every receiver up); what the receiver holds under via="a"/"b" is exactly what
the proxy got accepted; the requests' headers and sorted labels; stale markers sent for the
target's series once the target stopped; samples_dropped_total{reason="dropped_series"} for the
relabelled-away job; metadata_config (b sends every 2 s: the target's families with their types
and help); the queues' position files.

Then `sextant --agent` scrapes the restarted target and remote-writes to the receiver: the data
arrives, and /api/v1/query and /api/v1/query_range answer as Prometheus 2.42's agent
(--enable-feature=agent) does (422, "unavailable with Prometheus Agent").

Usage: remote_write_e2e_test.py <sextant binary>
Exits 0 on success, 1 on failure (printed), 77 (skipped) without prometheus or influxd.
"""

import base64
import collections
import json
import math
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

from e2e_procs import print_log_tails, stop, wait_ready
from remote_write_fixtures import Proxy, Target, free_port

EXTERNAL = {"cluster": "e2e", "replica": "r1"}
BATCH = 500  # max_samples_per_send of the proxied queues: the duplicates a SIGKILL may cause
STALE_BITS = 0x7FF0000000000002
QUEUE_CONFIG = ("batch_send_deadline: 200ms, min_backoff: 50ms, max_backoff: 1s, "
                f"max_samples_per_send: {BATCH}")


# ---- servers and their APIs ----

def get_json(url, timeout=20):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def api_query(base, q, t, path="/api/v1/query", **extra):
    params = {"query": q, "time": f"{t:.3f}"} if path == "/api/v1/query" else {"query": q, **extra}
    status, body = get_json(base + path + "?" + urllib.parse.urlencode(params))
    if status != 200 or body.get("status") != "success":
        raise AssertionError(f"{base} {q}: {status} {body}")
    return body["data"]["result"]


def number(v):
    """A sample value of the API as a comparable number: the servers may spell the same float
    differently ("-9223372036854775808" and "-9223372036854776000"); NaN equals NaN."""
    f = float(v)
    return "NaN" if math.isnan(f) else f


def by_labels(result, add=None):
    """{sorted labels tuple: [(t, value)] or (t, value)}, `add` labels added."""
    out = {}
    for r in result:
        m = dict(r["metric"])
        m.update(add or {})
        if "values" in r:
            out[tuple(sorted(m.items()))] = [(t, number(v)) for t, v in r["values"]]
        else:
            out[tuple(sorted(m.items()))] = (r["value"][0], number(r["value"][1]))
    return out


def scrape_metrics(base):
    with urllib.request.urlopen(base + "/metrics", timeout=10) as r:
        text = r.read().decode()
    out = collections.defaultdict(list)
    for line in text.splitlines():
        m = re.match(r"([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)", line)
        if m and not line.startswith("#"):
            labels = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
            out[m.group(1)].append((labels, float(m.group(3))))
    return out


def metric(ms, name, **labels):
    return sum(v for l, v in ms.get(name, []) if all(l.get(k) == w for k, w in labels.items()))


def start_influxd(influxd, tmp, log):
    port, rpc = free_port(), free_port()
    d = os.path.join(tmp, "influx")
    conf = os.path.join(tmp, "influxdb.conf")
    with open(conf, "w") as f:
        f.write(f'reporting-disabled = true\nbind-address = "127.0.0.1:{rpc}"\n'
                f'[meta]\n  dir = "{d}/meta"\n'
                f'[data]\n  dir = "{d}/data"\n  wal-dir = "{d}/wal"\n  query-log-enabled = false\n'
                f'[http]\n  bind-address = "127.0.0.1:{port}"\n  log-enabled = false\n'
                "[monitor]\n  store-enabled = false\n[continuous_queries]\n  enabled = false\n"
                "[subscriber]\n  enabled = false\n")
    proc = subprocess.Popen([influxd, "-config", conf], stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        if proc.poll() is not None:
            raise SystemExit(f"influxd exited early with {proc.returncode}")
        try:
            with urllib.request.urlopen(base + "/ping", timeout=2) as r:
                if r.status == 204:
                    break
        except OSError:
            time.sleep(0.1)
    req = urllib.request.Request(base + "/query", method="POST",
                                 data=urllib.parse.urlencode({"q": "CREATE DATABASE e2e"}).encode())
    urllib.request.urlopen(req, timeout=10).read()
    return proc, base


def write_config(path, target_port, sextant_port, receiver, influx, proxy_port):
    with open(path, "w") as f:
        f.write(f"""global:
  scrape_interval: 1s
  scrape_timeout: 900ms
  external_labels: {json.dumps(EXTERNAL)}
scrape_configs:
  - job_name: target
    static_configs: [{{targets: ['127.0.0.1:{target_port}']}}]
  - job_name: sextant
    static_configs: [{{targets: ['127.0.0.1:{sextant_port}']}}]
remote_write:
  - url: {receiver}/api/v1/write
    name: direct
    queue_config: {{{QUEUE_CONFIG}}}
  - url: {influx}/api/v1/prom/write?db=e2e
    name: influx
    queue_config: {{{QUEUE_CONFIG}}}
    metadata_config: {{send: false}}
  - url: http://127.0.0.1:{proxy_port}/a
    name: a
    headers: {{X-Test-Queue: a}}
    write_relabel_configs:
      - {{source_labels: [job], regex: target, action: keep}}
      - {{target_label: via, replacement: a}}
    queue_config: {{{QUEUE_CONFIG}, retry_on_http_429: false}}
  - url: http://127.0.0.1:{proxy_port}/b
    name: b
    basic_auth: {{username: sender, password: s3cret}}
    write_relabel_configs:
      - {{source_labels: [job], regex: target, action: keep}}
      - {{target_label: via, replacement: b}}
    queue_config: {{{QUEUE_CONFIG}, retry_on_http_429: true}}
    metadata_config: {{send_interval: 2s}}
""")


QUEUES = ("direct", "influx", "a", "b")


def wait_sent(base, t, timeout=30):
    """Waits until every queue has sent a sample newer than `t` + 1.5 s and has none pending, so
    that every sample up to `t` has been sent."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        ms = scrape_metrics(base)
        if all(metric(ms, "prometheus_remote_storage_queue_highest_sent_timestamp_seconds",
                      remote_name=q) >= t + 1.5 and
               metric(ms, "prometheus_remote_storage_samples_pending", remote_name=q) == 0
               for q in QUEUES):
            return None
        time.sleep(0.2)
    return {q: (metric(ms, "prometheus_remote_storage_queue_highest_sent_timestamp_seconds",
                       remote_name=q),
                metric(ms, "prometheus_remote_storage_samples_pending", remote_name=q))
            for q in QUEUES}


# ---- the checks ----

def sextant_samples(base, t, window):
    """{(key, t_ms): value} of the target's samples in Sextant, key as the proxy's."""
    out = {}
    for r in api_query(base, f'{{job="target"}}[{window}s]', t):
        key = tuple(sorted(r["metric"].items()))
        for ts, v in r["values"]:
            out[(key, round(float(ts) * 1000))] = float(v)
    return out


def describe_diff(what, sd, rd):
    """A short account of how two {labels: samples} maps differ."""
    only_s, only_r = sorted(set(sd) - set(rd)), sorted(set(rd) - set(sd))
    diff = []
    for k in sorted(k for k in sd if k in rd and sd[k] != rd[k])[:2]:
        a, b = sd[k], rd[k]
        if isinstance(a, list):
            sa, sb = {x[0]: x[1] for x in a}, {x[0]: x[1] for x in b}
            first = min((t for t in set(sa) | set(sb) if sa.get(t) != sb.get(t)), default=None)
            diff.append(f"{dict(k)}: {len(a)} vs {len(b)} samples, first difference at {first}: "
                        f"{sa.get(first)} vs {sb.get(first)}")
        else:
            diff.append(f"{dict(k)}: {a} vs {b}")
    return (f"{what}: {len(sd)} series in Sextant, {len(rd)} at the receiver; only in Sextant "
            f"{only_s[:2]}, only at the receiver {only_r[:2]}; different: {diff}")


def check_direct(sbase, rbase, t, window, want, failures):
    """The same queries on Sextant and on the receiver (direct queue: no `via` label)."""
    w = f"[{window}s]"
    cases = [('{job="target"}' + w, '{job="target",via=""}' + w),
             ('{job="sextant"}' + w, '{job="sextant",via=""}' + w),
             ('count by (__name__) ({__name__=~".+"})',
              'count by (__name__) ({__name__=~".+",via=""})'),
             ("last_over_time(target_latency_seconds_bucket" + w + ")",
              'last_over_time(target_latency_seconds_bucket{via=""}' + w + ")")]
    series = 0
    for sq, rq in cases:
        add = EXTERNAL if not sq.startswith("count by") else None
        sd, rd = by_labels(api_query(sbase, sq, t), add), by_labels(api_query(rbase, rq, t))
        series += len(sd)
        if sd != rd or not sd:
            failures.append(describe_diff(f"direct: {sq}", sd, rd))
    # A rate over the counter and a quantile of the histogram, as range queries. The evaluation
    # times (and so the 5 s windows' edges) keep away from the samples' timestamps: a sample on
    # an edge is outside the range in Prometheus 3.x (left-open) and inside in 2.42.
    phases = {ts % 1000 for _, ts in want}
    offset = max(range(0, 1000, 10), key=lambda o: min(
        (min((o - p) % 1000, (p - o) % 1000) for p in phases), default=0))
    start = math.floor(t - window + 15) + offset / 1000
    for sq, rq in (("rate(target_requests_total[5s])", 'rate(target_requests_total{via=""}[5s])'),
                   ("histogram_quantile(0.9, rate(target_latency_seconds_bucket[5s]))",
                    'histogram_quantile(0.9, rate(target_latency_seconds_bucket{via=""}[5s]))')):
        rng = {"start": f"{start:.3f}", "end": f"{t:.3f}", "step": "1"}
        sd = by_labels(api_query(sbase, sq, 0, "/api/v1/query_range", **rng), EXTERNAL)
        rd = by_labels(api_query(rbase, rq, 0, "/api/v1/query_range", **rng))
        if sd != rd or not sd:
            failures.append(describe_diff(f"direct: {sq} (range, evaluated at {offset} ms past "
                                          f"the second; sample phases {sorted(phases)[:10]})",
                                          sd, rd))
    return f"{series} series compared"


def check_influx(ibase, want, t, failures):
    """InfluxDB holds Sextant's samples of the target (external labels as tags)."""
    q = (f"SELECT value FROM /.*/ WHERE \"job\" = 'target' AND time <= {round(t * 1000)}ms "
         "GROUP BY *")
    status, body = get_json(ibase + "/query?" + urllib.parse.urlencode({"db": "e2e", "epoch": "ms",
                                                                        "q": q}))
    got = {}
    for series in (body or {}).get("results", [{}])[0].get("series", []):
        tags = {k: v for k, v in series["tags"].items() if v != ""}
        if {k: tags.get(k) for k in EXTERNAL} != EXTERNAL:
            failures.append(f"influx: external labels missing: {tags}")
        key = tuple(sorted((k, v) for k, v in tags.items() if k not in EXTERNAL))
        for ts, v in series["values"]:
            got[(key, ts)] = v
    lo = min(ts for _, ts in want) if want else 0
    got = {k: v for k, v in got.items() if k[1] >= lo}
    if got != want:
        missing, extra = set(want) - set(got), set(got) - set(want)
        diff = [k for k in want if k in got and got[k] != want[k]]
        failures.append(f"influx: {len(got)} samples, Sextant has {len(want)}: {len(missing)} "
                        f"missing (e.g. {sorted(missing)[:2]}), {len(extra)} extra (e.g. "
                        f"{sorted(extra)[:2]}), {len(diff)} different values (status {status})")
    return len(got)


def check_proxied(queue, records, want, rbase, t, window, refused_codes, failures):
    """Nothing lost, refused samples not sent again, duplicates only across the kill, and the
    receiver holds exactly what the proxy got accepted."""
    t_ms, lo = round(t * 1000), round(t * 1000) - window * 1000
    ok = collections.Counter()
    ok_after_kill = collections.Counter()
    refused, retried, stale = set(), 0, set()
    values = {}
    for q, era, status, samples in records:
        if q != queue:
            continue
        for key, ts, bits in samples:
            if bits == STALE_BITS:
                if status // 100 == 2:
                    stale.add(key)
                continue
            if not lo < ts <= t_ms:
                continue
            if status // 100 == 2:
                ok[(key, ts)] += 1
                if era == "after-kill":
                    ok_after_kill[(key, ts)] += 1
                values[(key, ts)] = struct.unpack("<d", struct.pack("<Q", bits))[0]
            elif status in refused_codes:
                refused.add((key, ts))
            else:
                retried += 1
    lost = set(want) - set(ok) - refused
    extra = (set(ok) | refused) - set(want)
    if lost:
        failures.append(f"{queue}: {len(lost)} of Sextant's {len(want)} samples never accepted "
                        f"nor refused (lost), e.g. {sorted(lost)[:3]}")
    if extra:
        failures.append(f"{queue}: {len(extra)} samples sent that Sextant does not hold, e.g. "
                        f"{sorted(extra)[:3]}")
    again = refused & set(ok)
    if again:
        failures.append(f"{queue}: {len(again)} samples refused for good were sent again and "
                        f"accepted, e.g. {sorted(again)[:3]}")
    dups = {k: c for k, c in ok.items() if c > 1}
    dups_before = {k: c for k, c in dups.items() if c - ok_after_kill[k] > 1}
    if dups_before or sum(c - 1 for c in dups.values()) > BATCH:
        failures.append(f"{queue}: {len(dups)} samples accepted more than once "
                        f"({len(dups_before)} before the kill), e.g. {sorted(dups)[:3]}")
    wrong = [k for k, v in values.items() if k in want and want[k] != v]
    if wrong:
        failures.append(f"{queue}: {len(wrong)} values differ from Sextant's, e.g. "
                        f"{[(k, values[k], want[k]) for k in sorted(wrong)[:2]]}")
    families = {dict(k).get("__name__") for k, _ in want}
    unmarked = {f for f in families if f.startswith("target_")} - {
        dict(k).get("__name__") for k in stale}
    if unmarked:
        failures.append(f"{queue}: no stale markers sent for {sorted(unmarked)}")
    # The receiver holds what the proxy got accepted, under via=<queue>.
    got = {}
    for r in api_query(rbase, f'{{job="target",via="{queue}"}}[{window}s]', t):
        m = {k: v for k, v in r["metric"].items() if k not in EXTERNAL and k != "via"}
        for ts, v in r["values"]:
            got[(tuple(sorted(m.items())), round(float(ts) * 1000))] = float(v)
    if set(got) != set(ok):
        failures.append(f"{queue}: the receiver holds {len(got)} samples, the proxy forwarded "
                        f"{len(ok)} accepted ones")
    return {"accepted": len(ok), "refused": len(refused), "retried_answers": retried,
            "dups_after_kill": sum(c - 1 for c in dups.values())}


def proxy_counts(records, queue, codes):
    return sum(len(s) for q, _, status, s in records if q == queue and status in codes)


def check_counters(m_before_400, rec_before_400, m_before_down, rec_before_down, m_after_down,
                   rec_after_down, failures):
    """The proxied queues' counters against what the proxy answered (before the kill resets
    them): failed = refused for good, retried = answered 500 (or 429 when retried)."""
    for q, refused_codes, retried_codes in (("a", (400, 429), (500,)),
                                            ("b", (400,), (500, 429))):
        failed = metric(m_after_down, "prometheus_remote_storage_samples_failed_total",
                        remote_name=q)
        want_failed = proxy_counts(rec_after_down, q, refused_codes)
        if failed != want_failed or want_failed == 0:
            failures.append(f"{q}: samples_failed_total {failed}, the proxy refused "
                            f"{want_failed} samples with {refused_codes}")
        retried = metric(m_before_400, "prometheus_remote_storage_samples_retried_total",
                         remote_name=q)
        want_retried = proxy_counts(rec_before_400, q, retried_codes)
        if retried != want_retried or want_retried == 0:
            failures.append(f"{q}: samples_retried_total {retried} before the 400s, the proxy "
                            f"answered {retried_codes} for {want_retried} samples")
        r0 = metric(m_before_down, "prometheus_remote_storage_samples_retried_total",
                    remote_name=q)
        r1 = metric(m_after_down, "prometheus_remote_storage_samples_retried_total",
                    remote_name=q)
        if r1 <= r0:
            failures.append(f"{q}: samples_retried_total did not grow while the proxy refused "
                            f"connections ({r0} -> {r1})")
        if proxy_counts(rec_after_down, q, (200, 204)) == proxy_counts(rec_before_down, q,
                                                                       (200, 204)):
            failures.append(f"{q}: nothing accepted after the proxy came back")
        dropped = metric(m_after_down, "prometheus_remote_storage_samples_dropped_total",
                         remote_name=q, reason="dropped_series")
        if dropped <= 0:
            failures.append(f"{q}: samples_dropped_total{{reason=\"dropped_series\"}} is "
                            f"{dropped} although write_relabel_configs keeps one job only")


# ---- agent mode ----

def agent_case(sextant_bin, prometheus, tmp, target_port, rbase, failures):
    """sextant --agent scrapes and remote-writes; its query API answers as Prometheus's agent."""
    port, pport = free_port(), free_port()
    for name in ("agent", "prometheus-agent"):
        with open(os.path.join(tmp, f"{name}.yml"), "w") as f:
            f.write(f"""global: {{scrape_interval: 1s, scrape_timeout: 900ms}}
scrape_configs:
  - job_name: target
    static_configs: [{{targets: ['127.0.0.1:{target_port}']}}]
remote_write:
  - url: {rbase}/api/v1/write
    write_relabel_configs: [{{target_label: via, replacement: {name}}}]
    queue_config: {{{QUEUE_CONFIG}}}
""")
    procs = []
    try:
        log = open(os.path.join(tmp, "sextant-agent.log"), "w")
        procs.append(subprocess.Popen(
            [sextant_bin, "--agent", f"--config.file={tmp}/agent.yml",
             f"--storage.agent.path={tmp}/agent",
             f"--web.listen-address=127.0.0.1:{port}"], stdout=log, stderr=log))
        plog = open(os.path.join(tmp, "prometheus-agent.log"), "w")
        procs.append(subprocess.Popen(
            [prometheus, "--enable-feature=agent", f"--config.file={tmp}/prometheus-agent.yml",
             f"--storage.agent.path={tmp}/prom-agent", f"--web.listen-address=127.0.0.1:{pport}"],
            stdout=plog, stderr=plog))
        base, pbase = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{pport}"
        wait_ready(base, procs[0], "sextant --agent")
        wait_ready(pbase, procs[1], "prometheus agent")
        statuses = {}
        for path in ("/api/v1/query?query=up", "/api/v1/query_range?query=up&start=0&end=1&step=1",
                     "/api/v1/query_exemplars?query=up&start=0&end=1",
                     "/api/v1/series?match[]=up", "/api/v1/labels", "/api/v1/label/job/values",
                     "/api/v1/rules", "/api/v1/alerts", "/api/v1/status/tsdb"):
            s, p = get_json(base + path), get_json(pbase + path)
            statuses[path.split("?")[0]] = s[0]
            if s[0] != p[0] or (p[0] != 200 and s != p):
                failures.append(f"agent: {path}: Sextant answered {s}, Prometheus's agent {p}")
        # The same series reach the receiver from both agents.
        deadline = time.time() + 20
        while time.time() < deadline:
            got = {name: {tuple(sorted((k, v) for k, v in r["metric"].items() if k != "via"))
                          for r in api_query(rbase, f'{{via="{name}",job="target"}}', time.time())}
                   for name in ("agent", "prometheus-agent")}
            if len(got["agent"]) >= 15 and got["agent"] == got["prometheus-agent"]:
                break
            time.sleep(0.5)
        sx, pr = got["agent"], got["prometheus-agent"]
        if len(sx) < 15 or sx != pr:
            failures.append(f"agent: {len(sx)} series of the target reached the receiver from "
                            f"sextant --agent, {len(pr)} from Prometheus's agent; only from "
                            f"Sextant {sorted(sx - pr)[:3]}, only from Prometheus "
                            f"{sorted(pr - sx)[:3]}")
        return {"series": len(got["agent"]), "API statuses (as Prometheus's agent)": statuses}
    finally:
        stop(procs)
        if failures:
            print_log_tails(tmp, ("sextant-agent.log", "prometheus-agent.log"))


# ---- main ----

def start_sextant(sextant_bin, tmp, cfg, port, name):
    log = open(os.path.join(tmp, f"{name}.log"), "w")
    proc = subprocess.Popen([sextant_bin, f"--config.file={cfg}", f"--storage.tsdb.path={tmp}/data",
                             f"--web.listen-address=127.0.0.1:{port}"], stdout=log, stderr=log)
    t0 = time.time()
    wait_ready(f"http://127.0.0.1:{port}", proc, name)
    print(f"{name}: ready in {time.time() - t0:.1f} s", flush=True)
    return proc


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    sextant_bin = sys.argv[1]
    prometheus, influxd = shutil.which("prometheus"), shutil.which("influxd")
    if prometheus is None or influxd is None:
        print("skipped: prometheus or influxd not installed (scripts/setup installs them)")
        return 77

    tmp = tempfile.mkdtemp(prefix="remote-write-e2e-")
    failures, procs, receivers, summary = [], [], [], {}
    logs = ("sextant.log", "sextant-restarted.log", "sextant-restarted-2.log", "prometheus.log",
            "influxd.log")
    target = Target()
    proxy = None
    try:
        rport = free_port()
        rbase = f"http://127.0.0.1:{rport}"
        empty = os.path.join(tmp, "receiver.yml")
        with open(empty, "w") as f:
            f.write("global: {}\n")
        plog = open(os.path.join(tmp, "prometheus.log"), "w")
        receivers.append(subprocess.Popen(
            [prometheus, f"--config.file={empty}", f"--storage.tsdb.path={tmp}/receiver",
             f"--web.listen-address=127.0.0.1:{rport}", "--web.enable-remote-write-receiver"],
            stdout=plog, stderr=plog))
        influx, ibase = start_influxd(influxd, tmp, open(os.path.join(tmp, "influxd.log"), "w"))
        receivers.append(influx)
        wait_ready(rbase, receivers[0], "prometheus (receiver)")
        proxy = Proxy(rbase, EXTERNAL, {
            "a": {"X-Test-Queue": "a"},
            "b": {"Authorization": "Basic " + base64.b64encode(b"sender:s3cret").decode()}})

        sport = free_port()
        sbase = f"http://127.0.0.1:{sport}"
        cfg = os.path.join(tmp, "prometheus.yml")
        write_config(cfg, target.port, sport, rbase, ibase, proxy.port)
        t_begin = time.time()
        sextant = start_sextant(sextant_bin, tmp, cfg, sport, "sextant")
        procs.append(sextant)

        def phase(mode, seconds):
            proxy.set(mode)
            time.sleep(seconds)

        phase("ok", 4)
        phase("500", 4)
        phase("ok", 3)
        phase("429", 3)
        phase("ok", 3)
        m_before_400 = scrape_metrics(sbase)
        rec_before_400 = proxy.snapshot()
        phase("400", 3)
        phase("ok", 3)
        m_before_down = scrape_metrics(sbase)
        rec_before_down = proxy.snapshot()
        phase("down", 12)
        phase("ok", 4)
        m_after_down = scrape_metrics(sbase)
        rec_after_down = proxy.snapshot()

        check_counters(m_before_400, rec_before_400, m_before_down, rec_before_down,
                       m_after_down, rec_after_down, failures)
        summary["counters"] = {q: {k: metric(m_after_down, f"prometheus_remote_storage_{k}",
                                             remote_name=q)
                                   for k in ("samples_total", "samples_failed_total",
                                             "samples_retried_total", "bytes_total")}
                               for q in QUEUES}

        # SIGKILL while the proxy refuses connections; restart on the same data directory.
        proxy.set("down")
        time.sleep(4)
        sextant.send_signal(signal.SIGKILL)
        sextant.wait()
        state = os.path.join(tmp, "data", "remote-write")
        positions = sorted(f for f in (os.listdir(state) if os.path.isdir(state) else [])
                           if re.fullmatch(r"queue-.*\.position", f))
        if len(positions) != len(QUEUES):
            failures.append(f"position files after the kill: {positions}")
        procs.remove(sextant)
        proxy.set("down", era="after-kill")
        sextant = start_sextant(sextant_bin, tmp, cfg, sport, "sextant-restarted")
        procs.append(sextant)
        time.sleep(3)
        proxy.set("ok")
        time.sleep(4)
        # A second SIGKILL with every receiver up: at most the batches in flight are sent again.
        sextant.send_signal(signal.SIGKILL)
        sextant.wait()
        procs.remove(sextant)
        sextant = start_sextant(sextant_bin, tmp, cfg, sport, "sextant-restarted-2")
        procs.append(sextant)
        time.sleep(3)

        # The target stops (its series end with stale markers); then everything up to `t` is sent.
        target.stop()
        time.sleep(3)
        t = round(time.time() - 1, 3)
        t0 = time.time()
        late = wait_sent(sbase, t)
        summary["seconds to send up to t"] = round(time.time() - t0, 1)
        if late:
            failures.append(f"queues not caught up 30 s after t (highest sent, pending): {late}")
        window = int(t - t_begin) + 10

        want = sextant_samples(sbase, t, window)
        summary["target samples"] = len(want)
        if len(want) < 100:
            failures.append(f"Sextant holds only {len(want)} samples of the target")
        records = proxy.snapshot()
        checks = [("direct", lambda: check_direct(sbase, rbase, t, window, want, failures)),
                  ("influx samples", lambda: check_influx(ibase, want, t, failures))]
        for q, refused_codes in (("a", (400, 429)), ("b", (400,))):
            checks.append((q, lambda q=q, c=refused_codes: check_proxied(
                q, records, want, rbase, t, window, c, failures)))
        for name, check in checks:
            try:
                summary[name] = check()
            except AssertionError as e:
                failures.append(f"{name}: {e}")
        failures += proxy.problems
        # metadata_config (b: every 2 s): the target's families with their types and help.
        want_meta = {"target_requests_total": (1, "Requests handled."),
                     "target_temperature_celsius": (2, "Temperature."),
                     "target_latency_seconds": (3, "Latency.")}
        got_meta = {f: proxy.metadata["b"].get(f) for f in want_meta}
        if got_meta != want_meta:
            failures.append(f"b: metadata received {got_meta}, want {want_meta}")
        summary["metadata families received"] = {q: len(m) for q, m in proxy.metadata.items()}

        # Agent mode.
        help_text = subprocess.run([sextant_bin, "--help"], capture_output=True, text=True,
                                   timeout=20)
        if "--agent" in help_text.stdout + help_text.stderr:
            target = Target()
            summary["agent"] = agent_case(sextant_bin, prometheus, tmp, target.port, rbase,
                                                 failures)
        else:
            failures.append("sextant --help lists no --agent")
    except BaseException as e:
        failures.append(f"aborted: {e!r}")
        raise
    finally:
        t0 = time.time()
        stop(procs)  # the senders first, while their receivers still answer
        summary["seconds to stop sextant"] = round(time.time() - t0, 1)
        stop(receivers)
        if proxy:
            proxy.down()
        target.stop()
        if failures:
            print_log_tails(tmp, logs, lines=25)
        shutil.rmtree(tmp, ignore_errors=True)

    for k, v in summary.items():
        print(f"{k}: {v}")
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        return 1
    print("remote write e2e: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())

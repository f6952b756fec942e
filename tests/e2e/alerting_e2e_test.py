#!/usr/bin/env python3
"""End-to-end alerting: Sextant scrapes a small app, evaluates a recording rule and an alerting
rule every second, and sends the alert to a real Alertmanager 0.25, which must show it in its own
API with the labels, expanded annotations and generatorURL Prometheus would send; when the app
recovers, the alert is resolved and Alertmanager drops it. Also checks /api/v1/rules,
/api/v1/alerts, /api/v1/alertmanagers and the rule metrics.

When Prometheus 2.42 is installed, it runs beside Sextant with the same rules on the same target,
and the alerts both POST to Alertmanager's API are compared field by field (labels, annotations,
generatorURL), as are the instants both servers evaluate the group at (Prometheus's EvalTimestamp
alignment).

Usage: alerting_e2e_test.py <sextant binary>
Exits 0 on success, 1 on failure, 77 (skipped) without prometheus-alertmanager.
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


class App:
    """A target whose `app_up` value the test switches."""

    def __init__(self):
        self.value = 1
        app = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = f"# TYPE app_up gauge\napp_up {app.value}\n".encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; version=0.0.4")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


class Receiver:
    """Records the bodies POSTed to /api/v2/alerts, as an Alertmanager would receive them."""

    def __init__(self):
        self.posts = []
        rec = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                rec.posts.append((self.path, self.headers.get("Content-Type"), json.loads(body)))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def alerts(self, state):
        """The last alert of each alertname seen firing (endsAt in the future) or resolved."""
        out = {}
        for _, _, body in self.posts:
            for a in body:
                resolved = a.get("endsAt", "") < time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
                if (state == "resolved") == resolved:
                    out[a["labels"]["alertname"]] = a
        return out


def get(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read())


def wait_for(what, fn, timeout=30):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            last = fn()
            if last:
                return last
        except OSError as e:
            last = e
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}: {last}")


RULES = """groups:
  - name: app
    interval: 1s
    rules:
      - record: app:up:sum
        expr: sum(app_up)
      - alert: AppDown
        expr: app_up == 0
        for: 2s
        labels:
          severity: critical
        annotations:
          summary: "{{ $labels.instance }} of job {{ $labels.job }} is down"
          description: "app_up is {{ $value }} ({{ $externalLabels.cluster }})"
"""


def main():
    sextant = sys.argv[1]
    am_bin = shutil.which("prometheus-alertmanager")
    if not am_bin:
        print("SKIP: prometheus-alertmanager not installed (scripts/setup installs it)")
        return 77
    tmp = tempfile.mkdtemp(prefix="alerting_e2e_")
    procs, failures = [], []

    def check(cond, what):
        if not cond:
            failures.append(what)
            print("FAIL", what)

    app = App()
    prometheus = shutil.which("prometheus")
    rx_sextant, rx_prom = Receiver(), Receiver()
    try:
        amp = free_port()
        am = f"http://127.0.0.1:{amp}"
        with open(os.path.join(tmp, "am.yml"), "w") as f:
            f.write("route: {receiver: 'null', group_wait: 0s, group_interval: 1s}\n"
                    "receivers: [{name: 'null'}]\n")
        am_log = open(os.path.join(tmp, "am.log"), "w")
        procs.append(subprocess.Popen(
            [am_bin, f"--config.file={tmp}/am.yml", f"--storage.path={tmp}/am",
             f"--web.listen-address=127.0.0.1:{amp}", "--cluster.listen-address="],
            stdout=am_log, stderr=am_log))

        with open(os.path.join(tmp, "rules.yml"), "w") as f:
            f.write(RULES)
        def write_config(name, alertmanagers):
            targets = ", ".join(f"'{t}'" for t in alertmanagers)
            with open(os.path.join(tmp, name), "w") as f:
                f.write(f"""global:
  scrape_interval: 1s
  evaluation_interval: 1s
  external_labels: {{cluster: e2e}}
rule_files: [rules.yml]
alerting:
  alertmanagers:
    - static_configs: [{{targets: [{targets}]}}]
scrape_configs:
  - job_name: app
    static_configs: [{{targets: ['127.0.0.1:{app.server.server_port}']}}]
""")

        write_config("prometheus.yml", [f"127.0.0.1:{amp}", f"127.0.0.1:{rx_sextant.server.server_port}"])
        if prometheus:
            write_config("reference.yml", [f"127.0.0.1:{rx_prom.server.server_port}"])
            pp = free_port()
            pbase = f"http://127.0.0.1:{pp}"
            plog = open(os.path.join(tmp, "prometheus.log"), "w")
            procs.append(subprocess.Popen(
                [prometheus, f"--config.file={tmp}/reference.yml", f"--storage.tsdb.path={tmp}/prom",
                 f"--web.listen-address=127.0.0.1:{pp}",
                 "--web.external-url=http://sextant.example:9090/",
                 "--rules.alert.resend-delay=1s"], stdout=plog, stderr=plog))
        sp = free_port()
        base = f"http://127.0.0.1:{sp}"
        log = open(os.path.join(tmp, "sextant.log"), "w")
        sx = subprocess.Popen(
            [sextant, f"--config.file={tmp}/prometheus.yml", f"--storage.tsdb.path={tmp}/data",
             f"--web.listen-address=127.0.0.1:{sp}", "--web.external-url=http://sextant.example:9090/",
             "--rules.alert.resend-delay=1s"], stdout=log, stderr=log)
        procs.append(sx)
        wait_for("Sextant ready", lambda: get(base + "/api/v1/status/buildinfo"))
        wait_for("Alertmanager ready", lambda: get(am + "/api/v2/status"))

        def query(q):
            return get(base + "/api/v1/query?" + urllib.parse.urlencode({"query": q}))["data"]["result"]

        rec = wait_for("the recording rule's output", lambda: query("app:up:sum"))
        check(rec[0]["value"][1] == "1" and rec[0]["metric"] == {"__name__": "app:up:sum"},
              f"app:up:sum: {rec}")
        ams = get(base + "/api/v1/alertmanagers")["data"]
        check(ams["activeAlertmanagers"][0] == {"url": f"{am}/api/v2/alerts"},
              f"alertmanagers: {ams}")
        if prometheus:
            wait_for("Prometheus's recording rule", lambda: get(
                pbase + "/api/v1/query?query=app%3Aup%3Asum")["data"]["result"])
            # Both evaluate the group at the same offset into each second (EvalTimestamp).
            def stamps(b):
                r = get(b + "/api/v1/query?" + urllib.parse.urlencode({"query": "app:up:sum[5s]"}))
                return sorted({round(float(v[0]) * 1000) % 1000 for v in r["data"]["result"][0]["values"]})
            s_ms, p_ms = stamps(base), stamps(pbase)
            print("evaluation instants, ms into each second:", s_ms, p_ms)
            check(s_ms == p_ms and len(s_ms) == 1,
                  f"evaluation instants (ms into each second): sextant {s_ms}, prometheus {p_ms}")

        app.value = 0
        pending = wait_for("the alert pending", lambda: [
            a for a in get(base + "/api/v1/alerts")["data"]["alerts"] if a["state"] == "pending"])
        check(pending[0]["labels"]["alertname"] == "AppDown", f"pending: {pending}")
        firing = wait_for("the alert firing", lambda: [
            a for a in get(base + "/api/v1/alerts")["data"]["alerts"] if a["state"] == "firing"])
        inst = f"127.0.0.1:{app.server.server_port}"
        check(firing[0]["value"] == "0e+00", f"value as Prometheus writes it: {firing}")
        check(query('ALERTS{alertname="AppDown",alertstate="firing"}'), "ALERTS series")
        check(query('ALERTS_FOR_STATE{alertname="AppDown"}'), "ALERTS_FOR_STATE series")

        received = wait_for("the alert in Alertmanager", lambda: [
            a for a in get(am + "/api/v2/alerts") if a["labels"].get("alertname") == "AppDown"])
        a = received[0]
        check(a["labels"] == {"alertname": "AppDown", "severity": "critical", "instance": inst,
                              "job": "app", "cluster": "e2e"}, f"labels in Alertmanager: {a}")
        check(a["annotations"] == {"summary": f"{inst} of job app is down",
                                   "description": "app_up is 0 (e2e)"},
              f"annotations in Alertmanager: {a['annotations']}")
        check(a["generatorURL"] ==
              "http://sextant.example:9090/graph?g0.expr=app_up+%3D%3D+0&g0.tab=1",
              f"generatorURL: {a['generatorURL']}")
        check(a["status"]["state"] == "active", f"status: {a['status']}")
        if prometheus:
            wait_for("Prometheus's alert", lambda: rx_prom.alerts("firing").get("AppDown"))
            mine = wait_for("Sextant's POST", lambda: rx_sextant.alerts("firing").get("AppDown"))
            theirs = rx_prom.alerts("firing")["AppDown"]
            for field in ("labels", "annotations", "generatorURL"):
                check(mine.get(field) == theirs.get(field),
                      f"{field} as Prometheus sends it: sextant {mine.get(field)}, "
                      f"prometheus {theirs.get(field)}")
            check(sorted(mine) == sorted(theirs), f"fields: {sorted(mine)} vs {sorted(theirs)}")
            print("same alert as Prometheus 2.42:", json.dumps(mine["labels"]),
                  json.dumps(mine["annotations"]), mine["generatorURL"])
            path, ctype, _ = rx_sextant.posts[-1]
            check(path == "/api/v2/alerts" and ctype == "application/json",
                  f"POST path and content type: {path} {ctype}")

        groups = get(base + "/api/v1/rules")["data"]["groups"]
        check(len(groups) == 1 and groups[0]["name"] == "app" and groups[0]["interval"] == 1,
              f"rule groups: {groups}")
        rules = {r["name"]: r for r in groups[0]["rules"]}
        check(rules["app:up:sum"]["type"] == "recording" and rules["app:up:sum"]["health"] == "ok",
              f"recording rule: {rules.get('app:up:sum')}")
        alert_rule = rules["AppDown"]
        check(alert_rule["type"] == "alerting" and alert_rule["state"] == "firing" and
              alert_rule["duration"] == 2 and len(alert_rule["alerts"]) == 1 and
              alert_rule["query"] == "app_up == 0", f"alerting rule: {alert_rule}")
        only = get(base + "/api/v1/rules?type=record")["data"]["groups"][0]["rules"]
        check([r["name"] for r in only] == ["app:up:sum"], f"type=record: {only}")

        metrics = urllib.request.urlopen(base + "/metrics", timeout=10).read().decode()
        for name in ("prometheus_rule_evaluations_total", "prometheus_rule_group_last_duration_seconds",
                     "prometheus_notifications_sent_total"):
            check(name in metrics, f"{name} in /metrics")

        # A broken rule file on reload changes nothing: same groups, the alert keeps activeAt.
        before = get(base + "/api/v1/alerts")["data"]["alerts"]
        with open(os.path.join(tmp, "rules.yml"), "w") as f:
            f.write(RULES.replace("expr: app_up == 0", "expr: app_up == (0"))
        sx.send_signal(signal.SIGHUP)
        wait_for("the failed reload", lambda: "prometheus_config_last_reload_successful 0" in
                 urllib.request.urlopen(base + "/metrics", timeout=10).read().decode())
        after = get(base + "/api/v1/alerts")["data"]["alerts"]
        check([a["activeAt"] for a in after] == [a["activeAt"] for a in before] and
              len(get(base + "/api/v1/rules")["data"]["groups"][0]["rules"]) == 2,
              f"alerts after a broken reload: {before} -> {after}")
        with open(os.path.join(tmp, "rules.yml"), "w") as f:
            f.write(RULES)

        # Recovery: the alert is resolved, Sextant sends endsAt and Alertmanager drops it.
        app.value = 1
        wait_for("the alert resolved in Sextant",
                 lambda: not get(base + "/api/v1/alerts")["data"]["alerts"])
        wait_for("the alert resolved in Alertmanager", lambda: not [
            a for a in get(am + "/api/v2/alerts?active=true")
            if a["labels"].get("alertname") == "AppDown"], timeout=20)
        if prometheus:
            mine = wait_for("Sextant's resolution", lambda: rx_sextant.alerts("resolved").get("AppDown"))
            theirs = wait_for("Prometheus's resolution",
                              lambda: rx_prom.alerts("resolved").get("AppDown"))
            check(mine["labels"] == theirs["labels"], "resolved alert labels")
    except AssertionError as e:
        failures.append(str(e))
        print("FAIL", e)
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        app.server.shutdown()
        rx_sextant.server.shutdown()
        rx_prom.server.shutdown()
        if failures:
            for name in ("sextant.log", "am.log", "prometheus.log"):
                path = os.path.join(tmp, name)
                if os.path.exists(path):
                    print(f"--- {name}\n" + open(path).read()[-3000:])
        shutil.rmtree(tmp, ignore_errors=True)
    print("alerting_e2e_test:", "FAILED" if failures else "OK")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

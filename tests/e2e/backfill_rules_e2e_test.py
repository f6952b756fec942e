#!/usr/bin/env python3
"""End-to-end test of `sextant-tool tsdb create-blocks-from rules` against a real server.

Backfills three hours of counters into a data directory (`create-blocks-from openmetrics`),
serves it with sextant, backfills recording rules from it into a fresh directory, and reads that
back with `sextant-tool tsdb dump`: the rules' series with their labels, evaluation instants
every group interval, values as computed from the input, two partitions (two 2h windows), the
alerting rule skipped. Then promtool 2.42 backfills the same rules from the same server and its
blocks (`promtool tsdb dump`) must hold exactly the same samples, the alert's series aside (promtool
2.42 writes it; Sextant skips alerting rules). Also: errors and exit codes for an unreachable
server and a start after the end.

Usage: backfill_rules_e2e_test.py <sextant binary> <sextant-tool binary>
Exits 0 on success, 1 on a failure (printed), 77 (skipped) when promtool is missing, after the
Sextant-only checks passed.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

T0 = 1700000000  # first sample (s)
STEP = 15
N = 720          # three hours
START, END = 1700000000, 1700010000  # spans the 2h windows from 1699999200 and 1700006400

RULES = """groups:
  - name: rates
    interval: 30s
    rules:
      - record: job:m:rate1m
        expr: sum by (job) (rate(m_total[1m]))
        labels:
          team: ml
      - alert: High
        expr: m_total > 100
  - name: sums
    rules:
      - record: m:sum
        expr: sum(m_total)
      - record: m:gauge
        expr: g
"""

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def recording():
    out = ["# TYPE m counter"]
    for i in range(N):
        out.append(f'm_total{{job="a",instance="x"}} {2 * i} {T0 + STEP * i}')
        out.append(f'm_total{{job="b",instance="x"}} {3 * i} {T0 + STEP * i}')
    out.append("# TYPE g gauge")
    for i in range(N):
        out.append(f'g{{src="t"}} {i % 7}.5 {T0 + STEP * i}')
    out.append("# EOF")
    return "\n".join(out) + "\n"


def run(args, cwd):
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=60)


def dump_lines(text):
    """`{labels} value ts` lines, as a sorted list of (labels, value, ts)."""
    rows = []
    for line in text.splitlines():
        m = re.match(r"^(\{.*\}) (\S+) (-?\d+)$", line)
        if m:
            rows.append((m.group(1), float(m.group(2)), int(m.group(3))))
    return sorted(rows)


def wait_ready(base, proc):
    for _ in range(200):
        if proc.poll() is not None:
            raise SystemExit(f"sextant exited early with {proc.returncode}")
        try:
            with urllib.request.urlopen(base + "/-/ready", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise SystemExit("sextant did not become ready")


def check_sextant_output(rows, log):
    series = sorted({r[0] for r in rows})
    check(series == ['{__name__="job:m:rate1m", job="a", team="ml"}',
                     '{__name__="job:m:rate1m", job="b", team="ml"}',
                     '{__name__="m:gauge", src="t"}',
                     '{__name__="m:sum"}'], f"series: {series}")
    for name, interval in (('{__name__="m:sum"}', 60), ('{__name__="job:m:rate1m", job="a", '
                                                        'team="ml"}', 30)):
        ts = [r[2] for r in rows if r[0] == name]
        check(len(ts) > 100, f"{name}: {len(ts)} samples")
        check(all(b - a == interval * 1000 for a, b in zip(ts, ts[1:])),
              f"{name}: evaluation instants not every {interval}s")
        check(ts and START * 1000 <= ts[0] < (START + interval) * 1000 and
              ts[-1] <= END * 1000 < ts[-1] + interval * 1000, f"{name}: range {ts[:1]}..{ts[-1:]}")
    for labels, v, t in rows:
        i = (t - T0 * 1000) // (STEP * 1000)  # the latest input sample at t
        if labels == '{__name__="m:sum"}':
            check(v == 5 * i, f"m:sum at {t}: {v} != {5 * i}")
        elif labels == '{__name__="m:gauge", src="t"}':
            check(v == i % 7 + 0.5, f"m:gauge at {t}: {v}")
        elif 'job="a"' in labels and t >= (T0 + 60) * 1000:
            check(abs(v - 2 / 15) < 1e-9, f"rate of a at {t}: {v}")
    check('level=info backfiller="processing group" name=rules.yml;rates\n' in log, "group log line")
    check('backfiller="skipping alerting rule" id=1 name=High' in log, "alert skipped line")


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    sextant_bin, tool_bin = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp(prefix="sextant_backfill_rules_")
    proc = None
    try:
        with open(os.path.join(tmp, "in.om"), "w") as f:
            f.write(recording())
        with open(os.path.join(tmp, "rules.yml"), "w") as f:
            f.write(RULES)
        with open(os.path.join(tmp, "sextant.yml"), "w") as f:
            f.write("global: {}\n")
        r = run([tool_bin, "tsdb", "create-blocks-from", "openmetrics", "-q", "in.om", "src"], tmp)
        check(r.returncode == 0, f"openmetrics backfill: {r.stderr}")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = open(os.path.join(tmp, "sextant.log"), "w")
        proc = subprocess.Popen(
            [sextant_bin, "--config.file=sextant.yml", "--storage.tsdb.path=src",
             f"--web.listen-address=127.0.0.1:{port}", "--storage.tsdb.retention.time=100y"],
            cwd=tmp, stdout=log, stderr=log)
        wait_ready(base, proc)

        rule_args = ["tsdb", "create-blocks-from", "rules", f"--url={base}", f"--start={START}",
                     f"--end={END}"]
        r = run([tool_bin] + rule_args + ["--output-dir=out", "rules.yml"], tmp)
        check(r.returncode == 0 and r.stdout == "", f"rules backfill: {r.returncode} {r.stderr}")
        r_list = run([tool_bin, "tsdb", "list", "out"], tmp)
        check(r_list.stdout.count("\n") == 3 and "1699999200000-1700006400000" in r_list.stdout
              and "1700006400000-1700013600000" in r_list.stdout, f"partitions: {r_list.stdout}")
        dump = run([tool_bin, "tsdb", "dump", "out"], tmp)
        check(dump.returncode == 0, f"dump: {dump.stderr}")
        ours = dump_lines(dump.stdout)
        check_sextant_output(ours, r.stderr)

        r = run([tool_bin] + rule_args[:3] + ["--url=http://127.0.0.1:1", f"--start={START}",
                                              f"--end={END}", "--output-dir=o2", "rules.yml"], tmp)
        check(r.returncode == 1 and r.stderr.endswith("error importing rules\n") and
              'rule importer error: query range: Post "http://127.0.0.1:1/api/v1/query_range": '
              'dial tcp 127.0.0.1:1: ' in r.stderr and not os.path.exists(os.path.join(tmp, "o2")),
              f"unreachable server: {r.returncode} {r.stderr}")
        r = run([tool_bin] + rule_args[:4] + [f"--start={END}", f"--end={START}", "rules.yml"], tmp)
        check(r.returncode == 1 and r.stderr == "start time is not before end time\n",
              f"start after end: {r.returncode} {r.stderr}")

        promtool = shutil.which("promtool")
        if promtool is None:
            print("promtool not found: comparison with promtool 2.42 skipped")
            return 1 if failures else 77
        r = run([promtool] + rule_args + ["--output-dir=pout", "rules.yml"], tmp)
        check(r.returncode == 0, f"promtool: {r.stderr}")
        os.makedirs(os.path.join(tmp, "pout", "wal"), exist_ok=True)  # promtool dump needs one
        pdump = run([promtool, "tsdb", "dump", "pout"], tmp)
        theirs = [row for row in dump_lines(pdump.stdout) if '__name__="High"' not in row[0]]
        check(len(theirs) > 0 and theirs == ours,
              f"promtool wrote {len(theirs)} samples, sextant-tool {len(ours)}; first difference: "
              f"{next((a, b) for a, b in zip(theirs + [None], ours + [None]) if a != b)}"
              if theirs != ours else "promtool wrote nothing")
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print(f"{len(failures)} failure(s)")
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Process handling shared by the end-to-end tests that run Sextant beside the reference
Prometheus: waiting for readiness, stopping, and showing the logs' tails when a test failed."""

import os
import subprocess
import time
import urllib.request


def wait_ready(base, proc, name, tries=300):
    """Polls `base`/-/ready every 0.1 s until it answers 200; exits the test (SystemExit) when
    `proc` ends first or after `tries` polls."""
    for _ in range(tries):
        if proc.poll() is not None:
            raise SystemExit(f"{name} exited early with {proc.returncode}")
        try:
            with urllib.request.urlopen(base + "/-/ready", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"{name} did not become ready")


def stop(procs, timeout=20):
    """Terminates every process, then waits for each, killing those that do not end in time."""
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()


def print_log_tails(directory, names, lines=15):
    """Prints the last `lines` lines of each log file `names` in `directory` that exists."""
    for name in names:
        path = os.path.join(directory, name)
        if os.path.exists(path):
            print(f"--- {name} (tail)")
            with open(path) as f:
                print("".join(f.readlines()[-lines:]))

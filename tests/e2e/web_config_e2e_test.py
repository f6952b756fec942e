#!/usr/bin/env python3
"""End-to-end --web.config.file: Sextant serving TLS with basic auth and an extra header, scraping
itself over https with credentials, queried by promtool 2.42 (credentials in the URL, the CA in
SSL_CERT_FILE; --http.config.file too where promtool has it, from 2.43); the file
edited while running (a new user, then a required client certificate) takes effect without a
restart; CORS headers for a matching Origin; `sextant-tool check web-config`.

Certificates are made with the openssl command line (a CA, a server certificate for 127.0.0.1 and
localhost, a client certificate); bcrypt hashes with Python's crypt module or htpasswd when
available, else the precomputed ones below.

Usage: web_config_e2e_test.py <sextant binary> <sextant-tool binary>
Exits 0 on success, 1 on failure, 77 (skipped) without openssl or promtool.
"""

import base64
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings

# Fallbacks when neither crypt nor htpasswd can make bcrypt hashes (cost 6).
PRECOMPUTED = {
    "alice-secret": "$2b$06$kBQv9YxHMm/r/dmUn//xueehDHmSDnGdayXAy6JvT9ofAPa7cpmJW",
    "bob-secret": "$2b$06$mbXC0euSUzCgn6/A6AE5IeogFdrrgqP2LNhtdzo8hWBCaN0kgC5fe",
}


def bcrypt_hash(password):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import crypt  # removed in Python 3.13
        h = crypt.crypt(password, crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=2**6))
        if h and h.startswith("$2"):
            return h
    except (ImportError, ValueError, OSError):
        pass
    if shutil.which("htpasswd"):
        out = subprocess.run(["htpasswd", "-nbB", "-C", "6", "u", password],
                             capture_output=True, text=True)
        if out.returncode == 0 and ":" in out.stdout:
            return out.stdout.strip().split(":", 1)[1]
    return PRECOMPUTED[password]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_certs(d):
    def run(*args):
        subprocess.run(list(args), cwd=d, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)

    key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    run("openssl", "req", "-x509", *key, "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
        "-subj", "/CN=Sextant e2e CA")
    exts = {"server": "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
            "client": "subjectAltName=DNS:client.example\nextendedKeyUsage=clientAuth\n"}
    for name, ext in exts.items():
        with open(os.path.join(d, name + ".ext"), "w") as f:
            f.write(ext)
        run("openssl", "req", *key, "-keyout", name + ".key", "-out", name + ".csr", "-subj",
            "/CN=" + name)
        run("openssl", "x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key",
            "-CAcreateserial", "-days", "2", "-extfile", name + ".ext", "-out", name + ".crt")


def basic(user, password):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def write_atomically(path, text):
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.rename(path + ".tmp", path)


def main():
    sextant, tool = sys.argv[1], sys.argv[2]
    if not shutil.which("openssl"):
        print("SKIP: openssl not installed (scripts/setup installs it)")
        return 77
    promtool = shutil.which("promtool")
    if not promtool:
        print("SKIP: promtool not installed (scripts/setup installs prometheus)")
        return 77
    tmp = tempfile.mkdtemp(prefix="web_config_e2e_")
    failures = []
    sx = None

    def check(cond, what):
        if not cond:
            failures.append(what)
            print("FAIL", what)

    def path(name):
        return os.path.join(tmp, name)

    try:
        make_certs(tmp)
        port = free_port()
        base = f"https://127.0.0.1:{port}"
        alice = basic("alice", "alice-secret")
        web_yml = path("web.yml")
        tls = "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
        headers = "http_server_config:\n  headers:\n    Strict-Transport-Security: max-age=31536000\n"
        users = f"basic_auth_users:\n  alice: {bcrypt_hash('alice-secret')}\n"
        write_atomically(web_yml, tls + headers + users)

        # sextant-tool check web-config, as promtool's.
        bad_yml = path("bad.yml")
        with open(bad_yml, "w") as f:
            f.write("basic_auth_users:\n  john: doe\n")
        r = subprocess.run([tool, "check", "web-config", web_yml, bad_yml], capture_output=True,
                           text=True)
        check(r.returncode == 1, f"check web-config exit code: {r.returncode}")
        check(f"{web_yml} SUCCESS\n" in r.stderr, f"check web-config success line: {r.stderr!r}")
        check(f"{bad_yml} FAILED: crypto/bcrypt: hashedSecret too short to be a bcrypted "
              "password\n" in r.stderr, f"check web-config failure line: {r.stderr!r}")
        r = subprocess.run([tool, "check", "web-config", web_yml], capture_output=True, text=True)
        check(r.returncode == 0, f"check web-config on a good file: {r.returncode} {r.stderr!r}")

        # A bad file stops the start, as Prometheus.
        r = subprocess.run([sextant, f"--web.config.file={bad_yml}",
                            f"--storage.tsdb.path={tmp}/bad-data",
                            f"--web.listen-address=127.0.0.1:{free_port()}"],
                           capture_output=True, text=True, timeout=30)
        check(r.returncode == 1 and 'msg="Unable to validate web configuration file"' in r.stderr,
              f"bad web config at start: {r.returncode} {r.stderr[-400:]!r}")

        # A bad CORS regex: Prometheus's message with the usage, exit code 2.
        r = subprocess.run([sextant, "--web.cors.origin=("], capture_output=True, text=True,
                           timeout=30)
        check(r.returncode == 2 and r.stderr.startswith(
            'could not compile CORS regex string "(": error parsing regexp: missing closing ): '
            "`(`\n"), f"bad CORS regex: {r.returncode} {r.stderr[:200]!r}")

        # The self-scrape: https, the CA, basic auth, and a client certificate (used in phase 2).
        cfg = path("prometheus.yml")
        with open(cfg, "w") as f:
            f.write(f"""global: {{scrape_interval: 1s, scrape_timeout: 900ms}}
scrape_configs:
  - job_name: self
    scheme: https
    tls_config:
      ca_file: {path('ca.crt')}
      cert_file: {path('client.crt')}
      key_file: {path('client.key')}
    basic_auth: {{username: alice, password: alice-secret}}
    static_configs: [{{targets: ['127.0.0.1:{port}']}}]
""")
        log_path = path("sextant.log")
        log = open(log_path, "w")
        sx = subprocess.Popen([sextant, f"--config.file={cfg}", f"--storage.tsdb.path={tmp}/data",
                               f"--web.listen-address=127.0.0.1:{port}",
                               f"--web.config.file={web_yml}",
                               r"--web.cors.origin=https://grafana\.example"],
                              stdout=log, stderr=log)

        ca_ctx = ssl.create_default_context(cafile=path("ca.crt"))
        client_ctx = ssl.create_default_context(cafile=path("ca.crt"))
        client_ctx.load_cert_chain(path("client.crt"), path("client.key"))

        def get(p, auth=None, ctx=ca_ctx, extra=None):
            """(status, headers, body) of a GET over TLS; status -1 when TLS or the connection
            fails."""
            req = urllib.request.Request(base + p)
            if auth:
                req.add_header("Authorization", auth)
            for k, v in (extra or {}).items():
                req.add_header(k, v)
            try:
                with urllib.request.urlopen(req, timeout=10, context=ctx) as resp:
                    return resp.status, resp.headers, resp.read().decode()
            except urllib.error.HTTPError as e:
                return e.code, e.headers, e.read().decode()
            except (urllib.error.URLError, ssl.SSLError, ConnectionError, OSError) as e:
                return -1, {}, str(e)

        for _ in range(150):
            if get("/-/ready", alice)[0] == 200:
                break
            time.sleep(0.1)
        with open(log_path) as f:
            text = f.read()
        check('msg="TLS is enabled." http2=true' in text, "log: TLS is enabled. http2=true")

        # Every endpoint is protected, health included; the header goes on every answer.
        status, hdrs, body = get("/-/healthy")
        check(status == 401, f"/-/healthy without auth: {status}")
        check(hdrs.get("WWW-Authenticate") == "Basic", f"WWW-Authenticate: {dict(hdrs)}")
        check(body == "Unauthorized\n", f"401 body: {body!r}")
        check(hdrs.get("Strict-Transport-Security") == "max-age=31536000",
              f"extra header on the 401: {dict(hdrs)}")
        check(get("/metrics")[0] == 401, "/metrics without auth")
        check(get("/-/healthy", basic("alice", "wrong"))[0] == 401, "wrong password")
        status, hdrs, body = get("/-/healthy", alice)
        check(status == 200, f"/-/healthy with auth: {status} {body!r}")
        check(hdrs.get("Strict-Transport-Security") == "max-age=31536000",
              f"extra header on the 200: {dict(hdrs)}")
        # Plain HTTP to the TLS port gets no answer.
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/-/healthy", timeout=3)
            check(False, "plain HTTP answered on the TLS port")
        except urllib.error.HTTPError as e:
            check(e.code != 200, f"plain HTTP on the TLS port: {e.code}")
        except (urllib.error.URLError, ConnectionError, OSError):
            pass

        # CORS on the API, for the allowed origin only.
        q = "/api/v1/query?" + urllib.parse.urlencode({"query": "1"})
        status, hdrs, _ = get(q, alice, extra={"Origin": "https://grafana.example"})
        check(status == 200 and
              hdrs.get("Access-Control-Allow-Origin") == "https://grafana.example",
              f"CORS allowed origin: {status} {dict(hdrs)}")
        check(hdrs.get("Access-Control-Allow-Methods") == "GET, POST, OPTIONS",
              f"CORS methods: {dict(hdrs)}")
        status, hdrs, _ = get(q, alice, extra={"Origin": "https://evil.example"})
        check(status == 200 and "Access-Control-Allow-Origin" not in hdrs,
              f"CORS other origin: {status} {dict(hdrs)}")

        # The self-scrape over TLS with basic auth.
        up_q = "/api/v1/query?" + urllib.parse.urlencode({"query": 'up{job="self"}'})
        up = None
        for _ in range(100):
            status, _, body = get(up_q, alice)
            if status == 200 and '"value":[' in body:
                up = body.split('"value":[', 1)[1].split("]")[0].split(",")[1]
                if up == '"1"':
                    break
            time.sleep(0.1)
        check(up == '"1"', f'up{{job="self"}} over TLS with auth: {up}')

        # promtool. 2.42 has no --http.config.file (2.43 added it): credentials go in the URL's
        # userinfo (Go's client sends them as basic auth) and the CA through SSL_CERT_FILE (Go's
        # crypto/x509 on Linux). With 2.43 or later, --http.config.file is used as well.
        env = dict(os.environ, SSL_CERT_FILE=path("ca.crt"))
        with_auth = f"https://alice:alice-secret@127.0.0.1:{port}"

        def promtool_query(*args):
            return subprocess.run([promtool, "query", "instant", *args], capture_output=True,
                                  text=True, timeout=30, env=env)

        expected = f'up{{instance="127.0.0.1:{port}", job="self"}} => 1'
        r = promtool_query(with_auth, 'up{job="self"}')
        check(r.returncode == 0 and expected in r.stdout,
              f"promtool query instant: {r.returncode} {r.stdout!r} {r.stderr!r}")
        r = promtool_query(base, "up")
        check(r.returncode != 0 and "401" in r.stderr + r.stdout,
              f"promtool without credentials: {r.returncode} {r.stderr!r}")
        r = promtool_query("--help")
        if "--http.config.file" in r.stdout + r.stderr:
            http_yml = path("http.yml")
            with open(http_yml, "w") as f:
                f.write(f"basic_auth: {{username: alice, password: alice-secret}}\n"
                        f"tls_config: {{ca_file: {path('ca.crt')}}}\n")
            r = promtool_query(f"--http.config.file={http_yml}", base, 'up{job="self"}')
            check(r.returncode == 0 and expected in r.stdout,
                  f"promtool --http.config.file: {r.returncode} {r.stdout!r} {r.stderr!r}")
        else:
            print("note: this promtool has no --http.config.file (added in 2.43); URL form only")

        # Edited while running: a new user is accepted without a restart.
        bob = basic("bob", "bob-secret")
        check(get("/-/healthy", bob)[0] == 401, "bob before the edit")
        write_atomically(web_yml, tls + headers + users + f"  bob: {bcrypt_hash('bob-secret')}\n")
        status = None
        for _ in range(50):
            status = get("/-/healthy", bob)[0]
            if status == 200:
                break
            time.sleep(0.1)
        check(status == 200, f"bob after the edit: {status}")

        # Phase 2, again by editing the file: a client certificate signed by the CA is required.
        write_atomically(web_yml, tls + "  client_auth_type: RequireAndVerifyClientCert\n"
                         "  client_ca_file: ca.crt\n" + headers + users)
        status = None
        for _ in range(50):
            status = get("/-/healthy", alice)[0]
            if status == -1:
                break
            time.sleep(0.1)
        check(status == -1, f"no client certificate once required: {status}")
        status, _, body = get("/-/healthy", alice, ctx=client_ctx)
        check(status == 200, f"with the client certificate: {status} {body!r}")
        check(get("/-/healthy", None, ctx=client_ctx)[0] == 401,
              "the client certificate does not replace basic auth")
        # The self-scrape presents the client certificate: still up (samples after the switch).
        time.sleep(2.5)
        count_q = "/api/v1/query?" + urllib.parse.urlencode(
            {"query": 'min_over_time(up{job="self"}[2s])'})
        status, _, body = get(count_q, alice, ctx=client_ctx)
        check(status == 200 and '"1"]' in body, f"self-scrape with the client certificate: {body}")

        sx.send_signal(signal.SIGTERM)
        check(sx.wait(timeout=30) == 0, "clean shutdown")
    finally:
        if sx is not None and sx.poll() is None:
            sx.kill()
            sx.wait()
        if failures:
            try:
                with open(os.path.join(tmp, "sextant.log")) as f:
                    print(f.read()[-3000:])
            except OSError:
                pass
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())

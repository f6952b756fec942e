#!/usr/bin/env python3
"""Streamed remote read (STREAMED_XOR_CHUNKS) against the reference Prometheus 2.42.

The same series are remote-written into Sextant and into Prometheus 2.42 (both with
--web.enable-remote-write-receiver), then the same ReadRequest accepting STREAMED_XOR_CHUNKS is
sent to both servers' /api/v1/read. The answers are decoded here from the published format
(frames: uvarint length, big-endian CRC32C, ChunkedReadResponse; XOR chunks as xor.go writes them)
and compared:
  - series of at most 120 samples inside one 2h range are one chunk in Prometheus's head too, so
    the whole answer must be byte-identical;
  - a long series is cut into chunks by Prometheus's head heuristics, Sextant cuts at 120: the
    decoded samples must be equal, and both split it over several frames of about
    --storage.remote.read-max-bytes-in-frame;
  - a range inside a chunk: Prometheus sends the untrimmed chunk, Sextant only the samples in
    range, which must be Prometheus's samples filtered to the range;
  - negotiation: [SAMPLES, STREAMED] is answered with samples by both, an unknown type with 400
    and the same text.
  - external labels: a second pair of servers, both with global external_labels
    {cluster="eu", replica="a"}, holding series with and without a cluster label of their own;
    queries with matchers on the external labels (equal to their value, to another value, regex,
    negative) must get byte-identical streamed answers and equal decoded SAMPLES answers.

(Prometheus 2.42's remote-read client never asks for streamed chunks, so reading Sextant through a
Prometheus remote_read section, covered by api_differential_test.py, exercises SAMPLES only.)

Usage: remote_read_stream_e2e_test.py <sextant binary>
Exits 0 on success, 1 on a difference (printed), 77 (skipped) without prometheus.
"""

import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from e2e_procs import print_log_tails, stop, wait_ready

STREAM_TYPE = "application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse"
FRAME_BYTES = 1024
STALE_NAN = struct.unpack("<d", struct.pack("<Q", 0x7FF0000000000002))[0]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---- protobuf and snappy, by hand ----

def uvarint(n):
    out = bytearray()
    n &= (1 << 64) - 1
    while n >= 0x80:
        out.append(n & 0x7F | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def field_varint(num, v):
    return uvarint(num << 3) + uvarint(v)


def field_bytes(num, b):
    return uvarint(num << 3 | 2) + uvarint(len(b)) + b


def field_double(num, v):
    return uvarint(num << 3 | 1) + struct.pack("<d", v)


def snappy_literal(data):
    """Snappy block format with literals only (valid for any decoder)."""
    out = bytearray(uvarint(len(data)))
    for i in range(0, len(data), 65536):
        chunk = data[i:i + 65536]
        n = len(chunk) - 1
        if n < 60:
            out.append(n << 2)
        elif n < 256:
            out += bytes([60 << 2, n])
        else:
            out += bytes([61 << 2]) + struct.pack("<H", n)
        out += chunk
    return bytes(out)


def read_varint(buf, pos):
    v = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        v |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return v, pos


def parse_message(buf):
    """(field, value) pairs; value is int for varints, bytes for length-delimited."""
    pos, out = 0, []
    while pos < len(buf):
        key, pos = read_varint(buf, pos)
        num, wt = key >> 3, key & 7
        if wt == 0:
            v, pos = read_varint(buf, pos)
        elif wt == 2:
            n, pos = read_varint(buf, pos)
            v, pos = buf[pos:pos + n], pos + n
        elif wt == 1:
            v, pos = buf[pos:pos + 8], pos + 8
        elif wt == 5:
            v, pos = buf[pos:pos + 4], pos + 4
        else:
            raise ValueError(f"wire type {wt}")
        out.append((num, v))
    return out


def signed64(v):
    return v - (1 << 64) if v >= 1 << 63 else v


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def unsnappy(data):
    """Snappy block format (literals and the three copy forms)."""
    n, pos = read_varint(data, 0)
    out = bytearray()
    while pos < len(data):
        tag = data[pos]
        pos += 1
        kind = tag & 3
        if kind == 0:
            length = (tag >> 2) + 1
            if length > 60:
                extra = length - 60
                length = int.from_bytes(data[pos:pos + extra], "little") + 1
                pos += extra
            out += data[pos:pos + length]
            pos += length
            continue
        if kind == 1:
            length, offset = 4 + ((tag >> 2) & 7), (tag >> 5) << 8 | data[pos]
            pos += 1
        elif kind == 2:
            length, offset = (tag >> 2) + 1, int.from_bytes(data[pos:pos + 2], "little")
            pos += 2
        else:
            length, offset = (tag >> 2) + 1, int.from_bytes(data[pos:pos + 4], "little")
            pos += 4
        for _ in range(length):
            out.append(out[-offset])
    if len(out) != n:
        raise ValueError("snappy: wrong decoded length")
    return bytes(out)


def decode_samples(body):
    """A SAMPLES answer: per query, [(labels tuple in wire order, [(t, value bits)])]."""
    results = []
    for num, qr in parse_message(unsnappy(body)):
        if num != 1:
            continue
        series = []
        for n2, ts in parse_message(qr):
            if n2 != 1:
                continue
            labels, samples = [], []
            for n3, v in parse_message(ts):
                if n3 == 1:
                    f = dict(parse_message(v))
                    labels.append((f.get(1, b"").decode(), f.get(2, b"").decode()))
                elif n3 == 2:
                    f = dict(parse_message(v))
                    samples.append((signed64(f.get(2, 0)),
                                    struct.unpack("<Q", f.get(1, bytes(8)))[0]))
            series.append((tuple(labels), samples))
        results.append(series)
    return results


# ---- XOR chunks, from xor.go ----

class Bits:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def read(self, n):
        v = 0
        for _ in range(n):
            byte = self.data[self.pos >> 3]
            v = v << 1 | (byte >> (7 - (self.pos & 7))) & 1
            self.pos += 1
        return v

    def uvarint(self):
        v = shift = 0
        while True:
            b = self.read(8)
            v |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                return v


def decode_xor(chunk):
    n = chunk[0] << 8 | chunk[1]
    r = Bits(chunk[2:])
    out = []
    t = tdelta = vbits = leading = trailing = 0
    for i in range(n):
        if i == 0:
            z = r.uvarint()
            t = (z >> 1) ^ -(z & 1)
            vbits = r.read(64)
        else:
            if i == 1:
                tdelta = r.uvarint()
            else:
                prefix = 0
                for _ in range(4):
                    prefix = prefix << 1 | r.read(1)
                    if not prefix & 1:
                        break
                sz = {0: 0, 2: 14, 6: 17, 14: 20, 15: 64}[prefix]
                dod = 0
                if sz:
                    dod = r.read(sz)
                    if sz == 64:
                        dod = signed64(dod)
                    elif dod > 1 << (sz - 1):
                        dod -= 1 << sz
                tdelta += dod
            t += tdelta
            if r.read(1):
                if r.read(1):
                    leading = r.read(5)
                    mbits = r.read(6) or 64
                    trailing = 64 - leading - mbits
                vbits ^= r.read(64 - leading - trailing) << trailing
        out.append((t, vbits))  # value bits: NaNs compare exactly
    return out


def decode_stream(body):
    """[(query_index, labels tuple, [(t, vbits)], chunk count)] with consecutive frames of one
    series merged, plus the number of frames and their data sizes."""
    pos, series, sizes = 0, [], []
    while pos < len(body):
        n, pos = read_varint(body, pos)
        crc = struct.unpack(">I", body[pos:pos + 4])[0]
        data = body[pos + 4:pos + 4 + n]
        pos += 4 + n
        if len(data) != n:
            raise ValueError("truncated frame")
        if crc32c(data) != crc:
            raise ValueError("checksum mismatch")
        sizes.append(n)
        qi, css = 0, []
        for num, v in parse_message(data):
            if num == 1:
                css.append(v)
            elif num == 2:
                qi = v
        if len(css) != 1:
            raise ValueError(f"{len(css)} series in a frame")
        labels, samples, chunks = [], [], 0
        for num, v in parse_message(css[0]):
            if num == 1:
                f = dict(parse_message(v))
                labels.append((f.get(1, b"").decode(), f.get(2, b"").decode()))
            elif num == 2:
                f = dict(parse_message(v))
                if f.get(3) != 1:
                    raise ValueError("not an XOR chunk")
                decoded = decode_xor(f[4])
                if decoded[0][0] != signed64(f.get(1, 0)) or decoded[-1][0] != signed64(f.get(2, 0)):
                    raise ValueError("chunk min/max time do not match its samples")
                samples += decoded
                chunks += 1
        key = (qi, tuple(labels))
        if series and series[-1][0] == key[0] and series[-1][1] == key[1]:
            series[-1][2].extend(samples)
            series[-1][3] += chunks
        else:
            series.append([qi, key[1], samples, chunks])
    return series, sizes


# ---- requests ----

def write_request(series):
    ts_msgs = b""
    for labels, samples in series:
        m = b"".join(field_bytes(1, field_bytes(1, k.encode()) + field_bytes(2, v.encode()))
                     for k, v in sorted(labels.items()))
        m += b"".join(field_bytes(2, field_double(1, v) + field_varint(2, t)) for t, v in samples)
        ts_msgs += field_bytes(1, m)
    return snappy_literal(ts_msgs)


def read_request(queries, accepted):
    body = b""
    for start, end, matchers in queries:
        q = field_varint(1, start) + field_varint(2, end)
        for mtype, name, value in matchers:
            q += field_bytes(3, field_varint(1, mtype) + field_bytes(2, name.encode()) +
                             field_bytes(3, value.encode()))
        body += field_bytes(1, q)
    for a in accepted:
        body += field_varint(2, a)
    return snappy_literal(body)


def post(base, path, body, headers):
    req = urllib.request.Request(base + path, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()


def read(base, queries, accepted):
    return post(base, "/api/v1/read", read_request(queries, accepted),
                {"Content-Type": "application/x-protobuf", "Content-Encoding": "snappy",
                 "X-Prometheus-Remote-Read-Version": "0.1.0"})


def external_labels_case(sextant_bin, prometheus, tmp, start):
    """Both servers with external labels {cluster="eu", replica="a"}: the same answers."""
    failures, procs = [], []
    cfg = os.path.join(tmp, "external.yml")
    with open(cfg, "w") as f:
        f.write("global:\n  external_labels: {cluster: eu, replica: a}\n")
    sp, pp = free_port(), free_port()
    sbase, pbase = f"http://127.0.0.1:{sp}", f"http://127.0.0.1:{pp}"
    common = ["--web.enable-remote-write-receiver", "--storage.tsdb.retention.time=100y",
              f"--config.file={cfg}"]
    try:
        log_s = open(os.path.join(tmp, "sextant-ext.log"), "w")
        log_p = open(os.path.join(tmp, "prometheus-ext.log"), "w")
        procs.append(subprocess.Popen(
            [sextant_bin, f"--storage.tsdb.path={tmp}/s-ext",
             f"--web.listen-address=127.0.0.1:{sp}"] + common, stdout=log_s, stderr=log_s))
        procs.append(subprocess.Popen(
            [prometheus, f"--storage.tsdb.path={tmp}/p-ext",
             f"--web.listen-address=127.0.0.1:{pp}"] + common, stdout=log_p, stderr=log_p))
        wait_ready(sbase, procs[0], "sextant (external labels)")
        wait_ready(pbase, procs[1], "prometheus (external labels)")

        # Written in the order of their labels, so that Prometheus's head (whose SAMPLES answer
        # comes in creation order) and Sextant (label order) send them in the same order. With
        # the external labels added, that order is no longer the order of the labels sent
        # ({__name__="m", a="1", cluster="eu", ...} sorts before {__name__="m", cluster="eu"}).
        # Each series has 2+ samples: Prometheus's XOR chunk of ONE sample ends with a zero byte
        # that Sextant's does not (a difference of the chunk encoder, not of external labels).
        series = [({"__name__": "m"}, [(start + 15_000 * k, 1.0 + k) for k in range(10)]),
                  ({"__name__": "m", "a": "1"}, [(start + 15_000 * k, 2.0) for k in range(10)]),
                  ({"__name__": "m", "cluster": "us", "i": "3"},
                   [(start, 3.0), (start + 5000, 3.5)]),
                  ({"__name__": "m", "i": "2"}, [(start + 1000, 4.0), (start + 2000, 5.0)])]
        body = write_request(series)
        for name, b in (("sextant", sbase), ("prometheus", pbase)):
            status, _, text = post(b, "/api/v1/write", body,
                                   {"Content-Type": "application/x-protobuf",
                                    "Content-Encoding": "snappy",
                                    "X-Prometheus-Remote-Write-Version": "0.1.0"})
            if status != 204:
                return [f"external labels: remote write to {name}: {status} {text!r}"]

        EQ, NEQ, RE, NRE = 0, 1, 2, 3
        end = start + 3_600_000
        m = (EQ, "__name__", "m")
        # (matchers, how many series Prometheus's rules select)
        cases = [([m], 4),
                 ([m, (EQ, "cluster", "eu")], 3),    # becomes cluster="": not the own "us"
                 ([m, (EQ, "cluster", "us")], 1),    # matched against the stored label
                 ([m, (EQ, "replica", "b")], 0),
                 ([m, (RE, "cluster", "e.*")], 0),   # regexes see the stored "" only
                 ([m, (NEQ, "cluster", "eu")], 4),
                 ([m, (NRE, "cluster", "us")], 3),
                 ([(EQ, "cluster", "eu"), (EQ, "replica", "a")], 3)]  # only empty matchers
        queries = [(start - 1, end, ms) for ms, _ in cases]
        answers = {}
        for name, b in (("sextant", sbase), ("prometheus", pbase)):
            answers[name] = (read(b, queries, [1]), read(b, queries, [0]))
        (ss, sm), (ps, pm) = answers["sextant"], answers["prometheus"]
        for name, (st, sa) in answers.items():
            if st[0] != 200 or sa[0] != 200:
                failures.append(f"external labels: {name} answered {st[0]} / {sa[0]}: "
                                f"{st[2][:200]!r} {sa[2][:200]!r}")
        if failures:
            return failures

        if ss[2] != ps[2]:
            failures.append("external labels: streamed bodies differ\n"
                            f"  sextant:    {decode_stream(ss[2])[0]}\n"
                            f"  prometheus: {decode_stream(ps[2])[0]}")
        s_res, p_res = decode_samples(sm[2]), decode_samples(pm[2])
        if s_res != p_res:
            failures.append(f"external labels: SAMPLES answers differ\n  sextant:    {s_res}\n"
                            f"  prometheus: {p_res}")
        counts = [len(r) for r in s_res]
        if counts != [n for _, n in cases]:
            failures.append(f"external labels: series per query {counts}, "
                            f"want {[n for _, n in cases]}")
        want = [(("__name__", "m"), ("cluster", "eu"), ("replica", "a")),
                (("__name__", "m"), ("a", "1"), ("cluster", "eu"), ("replica", "a")),
                (("__name__", "m"), ("cluster", "us"), ("i", "3"), ("replica", "a")),
                (("__name__", "m"), ("cluster", "eu"), ("i", "2"), ("replica", "a"))]
        streamed = [l for q, l, _, _ in decode_stream(ss[2])[0] if q == 0]
        if s_res and [l for l, _ in s_res[0]] != want or streamed != want:
            failures.append(f"external labels: labels of query 0: {s_res[:1]} / {streamed}")
    finally:
        stop(procs)
        if failures:
            print_log_tails(tmp, ("sextant-ext.log", "prometheus-ext.log"))
    return failures


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    sextant_bin = sys.argv[1]
    prometheus = shutil.which("prometheus")
    if prometheus is None:
        print("skipped: prometheus not installed")
        return 77

    # Every sample inside one 2h-aligned range (Prometheus's head cuts chunks at its edges), in
    # the past, and recent enough for both heads.
    two_h = 2 * 3600 * 1000
    now = int(time.time() * 1000)
    base = now // two_h * two_h
    start = base + 60_000 if now - base >= 35 * 60_000 else base - two_h + 60_000
    short = [
        ({"__name__": "a", "i": "1"}, [(start + 15_000 * k, 1000.0 + 17 * k) for k in range(100)]),
        ({"__name__": "a", "i": "2"},
         [(start + 15_000 * k, STALE_NAN if k == 20 else k * 0.25 - 3) for k in range(50)]),
        ({"__name__": "a", "i": "3", "job": "x"}, [(start, 1.0), (start + 1000, 2.0),
                                                   (start + 2000, 1.5)]),
    ]
    long = [({"__name__": "long"}, [(start + 1000 * k, (k * 7919 % 1000) / 7.0)
                                    for k in range(1500)])]

    failures, procs = [], []
    tmp = tempfile.mkdtemp(prefix="remote-read-stream-e2e-")
    try:
        sp, pp = free_port(), free_port()
        sbase, pbase = f"http://127.0.0.1:{sp}", f"http://127.0.0.1:{pp}"
        cfg = os.path.join(tmp, "empty.yml")
        with open(cfg, "w") as f:
            f.write("global: {}\n")
        common = ["--web.enable-remote-write-receiver", "--storage.tsdb.retention.time=100y",
                  f"--storage.remote.read-max-bytes-in-frame={FRAME_BYTES}"]
        log_s = open(os.path.join(tmp, "sextant.log"), "w")
        log_p = open(os.path.join(tmp, "prometheus.log"), "w")
        procs.append(subprocess.Popen(
            [sextant_bin, f"--config.file={cfg}", f"--storage.tsdb.path={tmp}/s",
             f"--web.listen-address=127.0.0.1:{sp}"] + common, stdout=log_s, stderr=log_s))
        procs.append(subprocess.Popen(
            [prometheus, f"--config.file={cfg}", f"--storage.tsdb.path={tmp}/p",
             f"--web.listen-address=127.0.0.1:{pp}"] + common, stdout=log_p, stderr=log_p))
        wait_ready(sbase, procs[0], "sextant")
        wait_ready(pbase, procs[1], "prometheus")

        body = write_request(short + long)
        for name, b in (("sextant", sbase), ("prometheus", pbase)):
            status, _, text = post(b, "/api/v1/write", body,
                                   {"Content-Type": "application/x-protobuf",
                                    "Content-Encoding": "snappy",
                                    "X-Prometheus-Remote-Write-Version": "0.1.0"})
            if status != 204:
                raise SystemExit(f"remote write to {name}: {status} {text!r}")

        EQ, RE = 0, 2
        end = start + two_h
        answers = {}
        for name, b in (("sextant", sbase), ("prometheus", pbase)):
            answers[name] = {
                "short": read(b, [(start - 1, end, [(EQ, "__name__", "a")]),
                                  (start - 1, end, [(EQ, "__name__", "nope")]),
                                  (start - 1, end, [(RE, "i", "1|3")])], [1, 0]),
                "long": read(b, [(start - 1, end, [(EQ, "__name__", "long")])], [1]),
                "inside": read(b, [(start + 150_000, start + 300_000,
                                    [(EQ, "__name__", "a"), (EQ, "i", "1")])], [1]),
                "samples": read(b, [(start - 1, end, [(EQ, "__name__", "a")])], [0, 1]),
                "unknown": read(b, [(start - 1, end, [(EQ, "__name__", "a")])], [7]),
            }
        s, p = answers["sextant"], answers["prometheus"]

        for case in ("short", "long", "inside"):
            for name, (status, ctype, _) in (("sextant", s[case]), ("prometheus", p[case])):
                if status != 200 or ctype != STREAM_TYPE:
                    failures.append(f"{case}: {name} answered {status} {ctype!r}")
        if failures:
            raise SystemExit("\n".join(failures))

        # Short series: one chunk each on both sides, so the same bytes.
        if s["short"][2] != p["short"][2]:
            ds, dp = decode_stream(s["short"][2])[0], decode_stream(p["short"][2])[0]
            failures.append(f"short: bodies differ ({len(s['short'][2])} vs "
                            f"{len(p['short'][2])} bytes)\n  sextant:    {ds}\n  prometheus: {dp}")
        got, _ = decode_stream(s["short"][2])
        if [(q, dict(l).get("i")) for q, l, _, _ in got] != [(0, "1"), (0, "2"), (0, "3"),
                                                             (2, "1"), (2, "3")]:
            failures.append(f"short: series/query_index {[(q, l) for q, l, _, _ in got]}")

        # The long series: same samples, split over frames on both sides.
        ls, ls_sizes = decode_stream(s["long"][2])
        lp, lp_sizes = decode_stream(p["long"][2])
        if [x[:3] for x in ls] != [x[:3] for x in lp]:
            failures.append("long: decoded series differ")
        want = [(t, struct.unpack("<Q", struct.pack("<d", v))[0]) for t, v in long[0][1]]
        if not ls or ls[0][2] != want:
            failures.append("long: Sextant's samples are not the written ones")
        if len(ls_sizes) < 3 or len(lp_sizes) < 3:
            failures.append(f"long: not split into frames: {ls_sizes} / {lp_sizes}")
        if max(ls_sizes) > 2 * FRAME_BYTES or max(lp_sizes) > 2 * FRAME_BYTES:
            failures.append(f"long: frames far over the budget: {ls_sizes} / {lp_sizes}")

        # A range inside a chunk: Prometheus sends the whole chunk, Sextant the range.
        (qs, labs, sam_s, _), = decode_stream(s["inside"][2])[0]
        (qp, labp, sam_p, _), = decode_stream(p["inside"][2])[0]
        in_range = [x for x in sam_p if start + 150_000 <= x[0] <= start + 300_000]
        if labs != labp or sam_s != in_range or len(sam_s) != 11:
            failures.append(f"inside: {len(sam_s)} samples vs Prometheus's {len(in_range)} "
                            f"in range (of {len(sam_p)})")

        # Negotiation and its errors.
        for case, want_status, want_type in (("samples", 200, "application/x-protobuf"),
                                             ("unknown", 400, None)):
            for name, ans in (("sextant", s[case]), ("prometheus", p[case])):
                if ans[0] != want_status or (want_type and ans[1] != want_type):
                    failures.append(f"{case}: {name} answered {ans[0]} {ans[1]!r}")
        if s["unknown"][2].strip() != p["unknown"][2].strip():
            failures.append(f"unknown: {s['unknown'][2]!r} vs {p['unknown'][2]!r}")

        failures += external_labels_case(sextant_bin, prometheus, tmp, start)
    finally:
        stop(procs)
        if failures:
            print_log_tails(tmp, ("sextant.log", "prometheus.log"))
        shutil.rmtree(tmp, ignore_errors=True)

    if failures:
        print("\n".join(failures))
        return 1
    print(f"remote read stream e2e: byte-identical short answer ({len(s['short'][2])} bytes), "
          f"long series in {len(ls_sizes)} (Sextant) / {len(lp_sizes)} (Prometheus) frames, "
          "external labels applied alike")
    return 0


if __name__ == "__main__":
    sys.exit(main())

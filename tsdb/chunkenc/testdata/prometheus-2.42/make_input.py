#!/usr/bin/env python3
"""Writes input.om, the OpenMetrics input of the golden chunk test (see README.md)."""
import random

random.seed(7)
base = 233334 * 7200000  # a 2-hour block boundary, so promtool writes one block
series = {}

# a_total: a counter scraped every 15 s with a few ms of jitter.
t, v, s = base + 3, 100.0, []
for _ in range(110):
    s.append((t, repr(v)))
    t += 15000 + random.randint(-5, 5)
    v += random.choice([0, 0, 1, 2, 5, 17, 0.5])
series["a_total"] = s

# b: a gauge whose delta-of-delta timestamps hit every bucket boundary (14, 17, 20 and 64 bits).
dods = [0, 8192, -8191, 8193, -8192, 65536, -65535, 65537, -65536, 524288, -524287, 524289,
        -524288, 0, 0, 3, -3]
deltas = [10000]
for d in dods:
    deltas.append(deltas[-1] + d)
vals = ["0.5", "-1.25", "3.14159", "1e10", "-2e-05", "42", "42", "1", "1.0000000000000002", "0.1",
        "0.2", "123456.789", "-0", "7", "1e300", "-1e-300", "5e-324", "0.30000000000000004", "42"]
t, s = base + 11, []
for i in range(len(deltas) + 1):
    s.append((t, vals[i % len(vals)]))
    if i < len(deltas):
        t += deltas[i]
series["b"] = s

# c: special values every 30 s.
t, s = base + 500, []
for v in ["1", "NaN", "+Inf", "-Inf", "-0", "2.5", "NaN", "0", "0", "0"]:
    s.append((t, v))
    t += 30000
series["c"] = s

# d: a constant every 15 s exactly.
series["d"] = [(base + 15000 * i, "1") for i in range(50)]

with open("input.om", "w") as f:
    for name, samples in series.items():
        kind = "counter" if name.endswith("_total") else "gauge"
        f.write(f"# TYPE {name.removesuffix('_total')} {kind}\n")
        for t, v in samples:
            f.write(f"{name} {v} {t // 1000}.{t % 1000:03d}\n")
    f.write("# EOF\n")

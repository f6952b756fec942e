#!/usr/bin/env python3
"""Builds a label file for `tsdb bench write` (sextant-tool and promtool alike).

The series are real ones: every sample line of the node_exporter and Prometheus /metrics pages in
the shared datasets, with job="node" or job="prometheus", repeated for as many instances
(instance="host-0001", ...) as it takes to reach --series label sets.

Output: one compact JSON object per line, keys sorted, e.g.
  {"__name__":"go_goroutines","instance":"host-0001","job":"node"}

promtool 2.42 does not parse these lines as JSON: it deletes every `"`, `{` and `}`, splits on `,`
and then on `:`, and keeps only the text before a second `:`. So series with a label value holding
`,` `:` `"` `{` `}` or `\\` (or an empty value) are left out, and instance names carry no port;
then both tools read exactly the same label sets.

Usage: bench/make_label_file.py [--series 20000] [--output bench/testdata/20kseries.json]
"""

import argparse
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_DATASETS = os.path.join(os.path.dirname(ROOT), "shared", "datasets")
PAGES = [("node_exporter-1.5.metrics.txt", "node"), ("prometheus-2.42.metrics.txt", "prometheus")]

SAMPLE_RE = re.compile(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+\S+")
LABEL_RE = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')
UNSAFE = set(',:"{}\\')


def unescape(value):
    # The text format's label value escapes: \\ \" \n.
    return re.sub(r'\\(.)', lambda m: {"n": "\n"}.get(m.group(1), m.group(1)), value)


def page_series(path, job):
    """The distinct label sets of the sample lines of one exposition page."""
    out = []
    seen = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            m = SAMPLE_RE.match(line)
            if not m:
                continue
            labels = {"__name__": m.group(1)}
            for name, value in LABEL_RE.findall(m.group(2) or ""):
                labels[name] = unescape(value)
            labels["job"] = job
            if any(v == "" or UNSAFE & set(v) for v in labels.values()):
                continue
            key = tuple(sorted(labels.items()))
            if key not in seen:
                seen.add(key)
                out.append(labels)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--series", "-n", type=int, default=20000,
                        help="number of label sets (default 20000)")
    parser.add_argument("--output", "-o", default=os.path.join(ROOT, "bench", "testdata",
                                                               "20kseries.json"),
                        help="output file, '-' for stdout (default bench/testdata/20kseries.json)")
    parser.add_argument("--datasets", default=DEFAULT_DATASETS,
                        help="directory of the exposition pages (default ../shared/datasets)")
    args = parser.parse_args()

    templates = []
    for name, job in PAGES:
        templates.extend(page_series(os.path.join(args.datasets, name), job))
    if not templates:
        sys.exit("no series found in " + args.datasets)

    lines = []
    instance = 0
    while len(lines) < args.series:
        instance += 1
        for labels in templates:
            if len(lines) == args.series:
                break
            labelled = dict(labels, instance="host-%04d" % instance)
            lines.append(json.dumps(labelled, sort_keys=True, separators=(",", ":"),
                                    ensure_ascii=False))
    assert len(set(lines)) == len(lines)

    if args.output == "-":
        sys.stdout.write("\n".join(lines) + "\n")
    else:
        os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
        with open(args.output, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        print("wrote %d series (%d per instance, %d instances) to %s"
              % (len(lines), len(templates), instance, args.output), file=sys.stderr)


if __name__ == "__main__":
    main()

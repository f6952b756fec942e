#!/usr/bin/env python3
"""Fails when ui/dist/ or ui/dist-test/ was not rebuilt after its sources changed.

ui/build.mjs records in ui/dist/INPUTS.sha256, and in the first line of the unit tests' bundle
ui/dist-test/unit.mjs, the hash of every input of the build; this test recomputes it the same way
(sha256 over "<path>\\0<sha256 of the file>\\n" for build.mjs, index.html, package.json,
package-lock.json, tsconfig.json and every file under src/, public/ and test/, sorted by path),
checks both records against it, and checks that dist/ holds what index.html refers to. Needs
neither Node nor the npm registry. Fix a failure with scripts/build-ui.
"""
import hashlib
import os
import re
import sys

UI = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "ui")


def inputs():
    files = ["build.mjs", "index.html", "package.json", "package-lock.json", "tsconfig.json"]
    for top in ("src", "public", "test"):
        for dirpath, _, names in os.walk(os.path.join(UI, top)):
            for name in names:
                files.append(os.path.relpath(os.path.join(dirpath, name), UI))
    return sorted(files)


def inputs_hash():
    outer = hashlib.sha256()
    for f in inputs():
        with open(os.path.join(UI, f), "rb") as fh:
            inner = hashlib.sha256(fh.read()).hexdigest()
        outer.update(f"{f}\0{inner}\n".encode())
    return outer.hexdigest()


def main():
    with open(os.path.join(UI, "dist", "INPUTS.sha256")) as fh:
        recorded = fh.read().strip()
    actual = inputs_hash()
    if recorded != actual:
        print(f"ui/dist/ is stale: its sources hash to {actual}, dist/ was built from {recorded}; "
              "run scripts/build-ui", file=sys.stderr)
        return 1
    test_bundle = os.path.join(UI, "dist-test", "unit.mjs")
    if not os.path.isfile(test_bundle):
        print("ui/dist-test/unit.mjs is missing; run scripts/build-ui", file=sys.stderr)
        return 1
    with open(test_bundle) as fh:
        first = fh.readline()
    m = re.match(r"// inputs ([0-9a-f]{64}):", first)
    if not m or m.group(1) != actual:
        built = m.group(1) if m else "unknown inputs"
        print(f"ui/dist-test/unit.mjs is stale: its sources hash to {actual}, it was built from "
              f"{built}; run scripts/build-ui", file=sys.stderr)
        return 1
    with open(os.path.join(UI, "dist", "index.html")) as fh:
        html = fh.read()
    for ref in re.findall(r'\{\{PREFIX\}\}/([^"]+)"', html):
        if not os.path.isfile(os.path.join(UI, "dist", ref)):
            print(f"ui/dist/index.html refers to {ref}, which dist/ lacks", file=sys.stderr)
            return 1
    print("ui/dist/ and ui/dist-test/ match their sources")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env bash
# Sextant and the reference Prometheus 2.42 scrape the same node_exporter and Prometheus /metrics
# with the same config for a few minutes; prints whether they stored the same series (identical
# label sets) with the same number of samples per series (within one scrape).
#
# Usage: bench/compare_scrape.sh [--seconds=180] [--interval=5]
# Needs a build (build/release by default, BUILD=... to change) and scripts/setup's packages.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${BUILD:-$ROOT/build/release}"
for bin in "$BUILD/cmd/sextant/sextant" prometheus prometheus-node-exporter python3; do
  command -v "$bin" >/dev/null || { echo "missing: $bin" >&2; exit 1; }
done
exec python3 "$ROOT/bench/compare_scrape.py" "$BUILD/cmd/sextant/sextant" "$@"

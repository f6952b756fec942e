#!/usr/bin/env bash
# Query latency of Sextant against the reference Prometheus 2.42 on the same backfilled data:
# the range queries of bench/promql_bench.cc over 1, 10 and 100 series, 1000 steps each, through
# /api/v1/query_range. Prints milliseconds and the ratio Sextant / Prometheus per query.
#
# Usage: bench/compare_queries.sh [--runs=N] [--keep]
# Needs a release build (scripts/run builds one: build/release) and `apt-get install prometheus`.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${BUILD:-$ROOT/build/release}"
for bin in "$BUILD/cmd/sextant/sextant" "$BUILD/cmd/sextant-tool/sextant-tool" prometheus promtool python3; do
  command -v "$bin" >/dev/null || { echo "missing: $bin (build a release: scripts/run, or apt-get install prometheus)" >&2; exit 1; }
done
exec python3 "$ROOT/bench/compare_queries.py" "$BUILD/cmd/sextant/sextant" \
  "$BUILD/cmd/sextant-tool/sextant-tool" "$@"

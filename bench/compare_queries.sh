#!/usr/bin/env bash
# Dashboard query latency of Sextant against the reference Prometheus 2.42 at users' scale.
# Backfills 6 hours at 15 s of 10,000 counter series http_requests_total{job,instance,path,method,
# code} and 100 classic histograms http_request_duration_seconds (10 buckets) into both, then times
# a dashboard's queries through /api/v1/query and /api/v1/query_range (rate over everything, sum
# and sum by instance over 1h and 6h, a 5xx error ratio, histogram_quantile, avg_over_time, a regex
# count): median of --runs after a warm-up. Prints Sextant ms, Prometheus ms, the ratio Sextant /
# Prometheus and the result series per query (a mismatch is flagged), then the geometric mean and
# the worst ratio against the goal (geometric mean <= 0.5, no query above 0.8). Details:
# bench/compare_queries.py.
#
# Usage: bench/compare_queries.sh [--series=N] [--runs=N] [--keep] [--reuse=DIR] [--timeout=S]
#   --series=N (default 10000; 100000 as a manual mode), --runs=N (default 5), --keep keeps the
#   data directories and prints their path, --reuse=DIR benchmarks a kept one without generating
#   or backfilling again. At the default scale a fresh run takes about 3 minutes and 2 GB of
#   temporary disk (the OpenMetrics file, deleted after the backfill).
# Needs a release build (scripts/run builds one: build/release) and `apt-get install prometheus`.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${BUILD:-$ROOT/build/release}"
for bin in "$BUILD/cmd/sextant/sextant" "$BUILD/cmd/sextant-tool/sextant-tool" prometheus promtool python3; do
  command -v "$bin" >/dev/null || { echo "missing: $bin (build a release: scripts/run, or apt-get install prometheus)" >&2; exit 1; }
done
exec python3 "$ROOT/bench/compare_queries.py" "$BUILD/cmd/sextant/sextant" \
  "$BUILD/cmd/sextant-tool/sextant-tool" "$@"

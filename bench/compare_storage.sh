#!/usr/bin/env bash
# Runs Sextant's storage and the reference Prometheus 2.42 side by side on the same data and prints
# each figure with its ratio (Sextant / Prometheus):
#
#   1. write throughput: `sextant-tool tsdb bench write` vs `promtool tsdb bench write`, same label
#      file (20,000 realistic series made from ../shared/datasets/), samples/sec (goal >= 2x);
#   2. bytes per sample on disk after backfilling the same OpenMetrics recording and compacting
#      (goal <= 0.6x);
#   3. resident memory per active series, both servers holding the bench's series in their head
#      after replaying its WAL (goal <= 0.5x);
#   4. restart time: start until /-/ready with that WAL to replay (goal <= 0.5x), after a clean
#      shutdown and as after a crash (goal <= 0.3x).
#
# Usage: bench/compare_storage.sh [--series=N] [--scrapes=N] [--runs=N] [--keep]
# (--runs: starts per restart figure, the median printed; default 3)
#
# Issue 17's measurement: --series=100000 (30M samples in each head). Manual mode, 1,000,000
# series: --series=1000000 --scrapes=120 --runs=1 (120M samples in each head; it needs several GB
# of disk in $WORK and of memory, and Prometheus takes a while to replay it).
# Needs a release build (scripts/run builds one: build/release) and `apt-get install prometheus`.
# Work files go to $WORK (default /tmp/sextant-compare), removed at the end unless --keep.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SERIES=20000
SCRAPES=300
RUNS=3
KEEP=0
for arg in "$@"; do
  case "$arg" in
    --series=*) SERIES="${arg#*=}" ;;
    --scrapes=*) SCRAPES="${arg#*=}" ;;
    --runs=*) RUNS="${arg#*=}" ;;
    --keep) KEEP=1 ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done

BUILD="${BUILD:-$ROOT/build/release}"
SEXTANT="$BUILD/cmd/sextant/sextant"
TOOL="$BUILD/cmd/sextant-tool/sextant-tool"
DATASETS="${DATASETS:-$ROOT/../shared/datasets}"
WORK="${WORK:-/tmp/sextant-compare}"
for bin in "$SEXTANT" "$TOOL" prometheus promtool curl python3 zstdcat; do
  command -v "$bin" >/dev/null || { echo "missing: $bin (build a release: scripts/run, or apt-get install prometheus)" >&2; exit 1; }
done
rm -rf "$WORK"
mkdir -p "$WORK"
cleanup() {
  jobs -p | xargs -r kill 2>/dev/null || true
  if [ "$KEEP" = 0 ]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT

ratio() { python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print(f'{a/b:.2f}x' if b else 'n/a')" "$1" "$2"; }
row() { printf '%-34s %16s %16s %9s   %s\n' "$@"; }

echo "== label file: $SERIES series from $DATASETS"
python3 "$ROOT/bench/make_label_file.py" --series="$SERIES" --datasets="$DATASETS" --output="$WORK/labels.json" >/dev/null

echo "== write: bench write --metrics=$SERIES --scrapes=$SCRAPES"
prom_rate=$(promtool tsdb bench write --metrics="$SERIES" --scrapes="$SCRAPES" --out="$WORK/prom-bench" \
  "$WORK/labels.json" 2>/dev/null | sed -n 's/^ > samples\/sec: //p')
sx_rate=$("$TOOL" tsdb bench write --metrics="$SERIES" --scrapes="$SCRAPES" --out="$WORK/sx-bench" \
  "$WORK/labels.json" 2>/dev/null | sed -n 's/^ > samples\/sec: //p')

echo "== disk: backfill of recording-node-prometheus-1s (2,073,259 samples) + compaction"
zstdcat "$DATASETS/recording-node-prometheus-1s.om.zst" > "$WORK/recording.om"
promtool tsdb create-blocks-from openmetrics -q "$WORK/recording.om" "$WORK/prom-backfill" >/dev/null
"$TOOL" tsdb create-blocks-from openmetrics -q "$WORK/recording.om" "$WORK/sx-backfill" >/dev/null
samples=$(promtool tsdb list "$WORK/prom-backfill" | awk 'NR>1 {n+=$5} END {print n}')
# Prometheus: the blocks (chunks + index + meta), nothing else. Sextant: its partitions' files
# (RocksDB data, not its info LOG); the backfill ends with a full compaction of the store.
prom_bytes=$(du -sb "$WORK"/prom-backfill/*/ | awk '{n+=$1} END {print n}')
sx_bytes=$(find "$WORK/sx-backfill/partitions" -type f ! -name 'LOG*' -printf '%s\n' | awk '{n+=$1} END {print n}')
prom_bps=$(python3 -c "print($prom_bytes/$samples)")
sx_bps=$(python3 -c "print($sx_bytes/$samples)")

# Starts a server on a free port, waits for /-/ready; prints "<seconds to ready> <pid> <port>".
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
printf 'global:\n  scrape_interval: 1h\n' > "$WORK/empty.yml"
start_server() {  # kind data_dir
  local kind="$1" dir="$2" port pid start
  port=$(free_port)
  start=$(date +%s.%N)
  if [ "$kind" = prometheus ]; then
    prometheus --config.file="$WORK/empty.yml" --storage.tsdb.path="$dir" \
      --web.listen-address="127.0.0.1:$port" >"$WORK/$kind.log" 2>&1 &
  else
    "$SEXTANT" --config.file="$WORK/empty.yml" --storage.tsdb.path="$dir" \
      --web.listen-address="127.0.0.1:$port" >"$WORK/$kind.log" 2>&1 &
  fi
  pid=$!
  until curl -sf "http://127.0.0.1:$port/-/ready" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { echo "$kind exited; see $WORK/$kind.log" >&2; exit 1; }
    sleep 0.005
  done
  local end
  end=$(date +%s.%N)  # before any other process starts: python's own start-up is not the server's
  echo "$(python3 -c "print($end - $start)") $pid $port"
}
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
anon_kib() { awk '/^RssAnon/ {print $2}' "/proc/$1/status"; }
measure() {  # kind data_dir -> "<ready seconds> <rss KiB> <anonymous rss KiB>"
  local out pid secs rss anon
  out=$(start_server "$1" "$2")
  secs=${out%% *}; pid=$(echo "$out" | cut -d' ' -f2)
  sleep 3  # let start-up allocations settle
  rss=$(rss_kib "$pid")
  anon=$(anon_kib "$pid")
  kill "$pid"
  # Not this shell's child (started in a command substitution): wait for it to be gone, so that
  # its shutdown (Sextant writes its chunk snapshot) is over before the next copy.
  while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  echo "$secs $rss $anon"
}

echo "== memory and restart: each server replays its bench WAL ($SERIES series)"
mkdir -p "$WORK/prom-empty" "$WORK/sx-empty"
read -r _ prom_base prom_anon_base < <(measure prometheus "$WORK/prom-empty")
read -r _ sx_base sx_anon_base < <(measure sextant "$WORK/sx-empty")
# Both bench tools leave their database in <out>/storage. Sextant's was closed cleanly, so it holds
# a chunk snapshot; a copy without it shows the restart after a crash: the WAL replayed onto the
# closed chunks mapped from chunks_head/, as Prometheus 2.42 always restarts (it has no snapshot
# unless --enable-feature=memory-snapshot-on-shutdown).
# Restart times vary by a good tenth from run to run on a small VM: each is the median of $RUNS
# starts, each from a fresh copy of the data (a start changes it: Sextant's clean shutdown writes a
# new snapshot). Memory is from the first run.
median() { python3 -c "import statistics,sys; print(statistics.median(map(float, sys.argv[1:])))" "$@"; }
restarts() {  # kind pristine_data_dir remove_snapshot -> "<median seconds> <rss> <anon> (all runs)"
  local kind="$1" src="$2" crash="$3" secs rss anon all=() first_rss first_anon
  for ((run = 0; run < RUNS; run++)); do
    rm -rf "$WORK/run"
    cp -r "$src" "$WORK/run"
    if [ "$crash" = 1 ]; then rm -rf "$WORK"/run/wal/chunk_snapshot.*; fi
    read -r secs rss anon < <(measure "$kind" "$WORK/run")
    all+=("$secs")
    if [ "$run" = 0 ]; then first_rss=$rss; first_anon=$anon; fi
  done
  echo "$(median "${all[@]}") $first_rss $first_anon ${all[*]}"
}
# Sextant's crash copy is its closed database without the chunk snapshot that Close() wrote: the
# WAL is replayed onto the closed chunks mapped from chunks_head/, from the replay point
# (chunks_head/replay_point) if one is usable, as Prometheus 2.42 always restarts (it has no
# snapshot unless --enable-feature=memory-snapshot-on-shutdown).
read -r prom_ready prom_rss prom_anon prom_runs < <(restarts prometheus "$WORK/prom-bench/storage" 0)
read -r sx_ready sx_rss sx_anon sx_runs < <(restarts sextant "$WORK/sx-bench/storage" 0)
read -r sx_crash_ready _ _ sx_crash_runs < <(restarts sextant "$WORK/sx-bench/storage" 1)
prom_per_series=$(python3 -c "print(max($prom_rss-$prom_base,0)*1024/$SERIES)")
sx_per_series=$(python3 -c "print(max($sx_rss-$sx_base,0)*1024/$SERIES)")

echo
row "measure" "sextant" "prometheus" "ratio" "goal"
row "write (samples/sec)" "$(printf %.0f "$sx_rate")" "$(printf %.0f "$prom_rate")" "$(ratio "$sx_rate" "$prom_rate")" ">= 2x"
row "disk (bytes/sample)" "$(printf %.3f "$sx_bps")" "$(printf %.3f "$prom_bps")" "$(ratio "$sx_bps" "$prom_bps")" "<= 0.6x"
row "memory (bytes/active series)" "$(printf %.0f "$sx_per_series")" "$(printf %.0f "$prom_per_series")" "$(ratio "$sx_per_series" "$prom_per_series")" "<= 0.5x"
row "restart (s to /-/ready)" "$(printf %.2f "$sx_ready")" "$(printf %.2f "$prom_ready")" "$(ratio "$sx_ready" "$prom_ready")" "<= 0.5x"
row "restart after a crash (WAL replay)" "$(printf %.2f "$sx_crash_ready")" "$(printf %.2f "$prom_ready")" "$(ratio "$sx_crash_ready" "$prom_ready")" "<= 0.3x"
echo
echo "(RSS: loaded $sx_rss KiB vs empty $sx_base KiB for Sextant; $prom_rss vs $prom_base KiB for Prometheus)"
echo "(restarts, seconds: Prometheus $prom_runs; Sextant clean $sx_runs; Sextant after a crash $sx_crash_runs)"
echo "(anonymous RSS: loaded $sx_anon KiB vs empty $sx_anon_base KiB for Sextant; $prom_anon vs $prom_anon_base KiB for Prometheus)"

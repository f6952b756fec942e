#pragma once

// `sextant-tool tsdb bench write [--out=DIR] [--metrics=N] [--scrapes=N] [<file>]`: promtool's
// write benchmark, same workload, same output:
//
//   - <out> (default benchout) is deleted and recreated; the database is <out>/storage, opened
//     with the WAL on and background compaction off (DB::Open, compaction_interval_ms = 0).
//   - readData: up to --metrics distinct label sets from <file>, one JSON object of label names to
//     values per line (real JSON, unlike promtool's crude split on ',' and ':').
//   - ingestScrapes: rounds of 100 scrapes (--scrapes rounded up to a multiple of 100); in each
//     round the series are cut, in file order, into shards of 1000, one thread per shard; a
//     shard's k-th scrape of the round (k = 1..100) appends every series at
//     ts = 30000 * (round_start + k) ms and commits once. Values start at 123456789 each round and
//     grow by 1000 per scrape. Series refs are looked up again each round.
//   - stopStorage: closing the database (the WAL synced).
//
// stdout, durations as Go's time.Duration and samples/sec as Go's %v:
//   >> start stage=readData
//   >> completed stage=readData duration=341.818µs
//   >> start stage=ingestScrapes
//   ingestion completed
//   >> completed stage=ingestScrapes duration=13.325873ms
//    > total samples: 10000
//    > samples/sec: 750018.0191829109
//   >> start stage=stopStorage
//   >> completed stage=stopStorage duration=3.2ms
//
// Not done: promtool's pprof files (cpu.prof, mem.prof, block.prof, mutex.prof) in <out>.

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "model/labels.h"

namespace sextant::tool {

// Made by bench/make_label_file.py (20000 series by default).
inline constexpr char kDefaultLabelFile[] = "bench/testdata/20kseries.json";

struct BenchWriteOptions {
  std::string out_dir = "benchout";  // "": a fresh directory under $TMPDIR, kept afterwards
  int64_t metrics = 10000;
  int64_t scrapes = 3000;
  std::string label_file = kDefaultLabelFile;
};

struct BenchWriteResult {
  uint64_t total_samples = 0;
  double samples_per_second = 0;
};

absl::StatusOr<BenchWriteResult> BenchWrite(const BenchWriteOptions& options, std::ostream& out);

// Up to `max` distinct label sets from a label file (later duplicates skipped, as promtool).
// Errors: InvalidArgument "<file>:<line>: ..." for a line that is not a JSON object of strings.
absl::StatusOr<std::vector<model::Labels>> ReadLabelFile(const std::string& path, int64_t max);

}  // namespace sextant::tool

// Benchmarks of the write-ahead log: appending one scrape's samples record (1000 samples) and
// replaying (reading + decoding) samples records, with zstd compression on and off. Runs on the
// POSIX env in a temporary directory, so Log includes the write(2) into the page cache.

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <stdlib.h>

#include "tsdb/wal/reader.h"
#include "tsdb/wal/record.h"
#include "tsdb/wal/wal.h"
#include "util/env.h"

namespace sextant::tsdb::wal {
namespace {

constexpr int kSamplesPerRecord = 1000;
constexpr int kDistinctRecords = 64;

// A scratch directory removed at the end of the benchmark.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    path_ = util::JoinPath(base != nullptr ? base : "/tmp", "sextant_wal_bench.XXXXXX");
    if (::mkdtemp(path_.data()) == nullptr) path_.clear();
  }
  ~TempDir() {
    if (!path_.empty()) util::Env::Default()->DeleteDirRecursive(path_).IgnoreError();
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Samples records of successive scrapes of one target exposing 1000 series: 70% counters growing
// by small integer steps, 30% gauges with two decimals, all at the scrape's timestamp.
std::vector<std::string> ScrapeRecords(int count) {
  std::mt19937_64 rng(1);
  std::vector<double> values(kSamplesPerRecord);
  std::vector<std::string> records(count);
  std::vector<RefSample> samples(kSamplesPerRecord);
  for (int r = 0; r < count; ++r) {
    const int64_t t = 1700000000000 + int64_t{r} * 15000;
    for (int i = 0; i < kSamplesPerRecord; ++i) {
      if (i % 10 < 7) {
        values[i] += static_cast<double>(rng() % 50);
      } else {
        values[i] = std::round(static_cast<double>(rng() % 100000) / 7.0) / 100.0;
      }
      samples[i] = RefSample{static_cast<uint64_t>(100000 + i), t, values[i]};
    }
    EncodeSamples(samples, &records[r]);
  }
  return records;
}

WalOptions Options(bool compress) {
  WalOptions options;
  options.segment_size = 16 << 20;
  options.compress = compress;
  return options;
}

void BM_Wal_Log(benchmark::State& state) {
  const bool compress = state.range(0) != 0;
  const std::vector<std::string> records = ScrapeRecords(kDistinctRecords);
  TempDir dir;
  auto wal = Wal::Open(util::Env::Default(), dir.path(), Options(compress), nullptr);
  if (!wal.ok()) {
    state.SkipWithError("cannot open the WAL");
    return;
  }
  int64_t i = 0, bytes = 0;
  for (auto _ : state) {
    const std::string& rec = records[i++ % kDistinctRecords];
    if (!(*wal)->Log({&rec, 1}).ok()) {
      state.SkipWithError("Log failed");
      break;
    }
    bytes += static_cast<int64_t>(rec.size());
    if (i % 4096 == 0) {
      // Keep the disk footprint bounded: drop completed segments (untimed).
      state.PauseTiming();
      (*wal)->Truncate((*wal)->current_segment()).IgnoreError();
      state.ResumeTiming();
    }
  }
  state.SetItemsProcessed(state.iterations() * kSamplesPerRecord);
  state.SetBytesProcessed(bytes);  // uncompressed record bytes; BM_Wal_Replay reports disk size
}
BENCHMARK(BM_Wal_Log)->ArgName("zstd")->Arg(0)->Arg(1);

void BM_Wal_Replay(benchmark::State& state) {
  const bool compress = state.range(0) != 0;
  constexpr int kRecords = 2000;  // 2M samples
  const std::vector<std::string> records = ScrapeRecords(kDistinctRecords);
  TempDir dir;
  {
    auto wal = Wal::Open(util::Env::Default(), dir.path(), Options(compress), nullptr);
    if (!wal.ok()) {
      state.SkipWithError("cannot open the WAL");
      return;
    }
    for (int i = 0; i < kRecords; ++i) {
      if (!(*wal)->Log({&records[i % kDistinctRecords], 1}).ok()) {
        state.SkipWithError("Log failed");
        return;
      }
    }
    if (!(*wal)->Close().ok()) {
      state.SkipWithError("Close failed");
      return;
    }
  }
  std::vector<RefSample> samples;
  int64_t decoded = 0;
  for (auto _ : state) {
    auto reader = Reader::OpenAll(util::Env::Default(), dir.path());
    if (!reader.ok()) {
      state.SkipWithError("cannot open the reader");
      break;
    }
    while ((*reader)->Next()) {
      if (!DecodeSamples((*reader)->record(), &samples).ok()) {
        state.SkipWithError("decode failed");
        break;
      }
      decoded += static_cast<int64_t>(samples.size());
    }
    if (!(*reader)->status().ok()) state.SkipWithError("read failed");
  }
  state.SetItemsProcessed(decoded);
  state.counters["disk_bytes_per_sample"] =
      static_cast<double>(*util::Env::Default()->DiskUsage(dir.path())) /
      (double{kRecords} * kSamplesPerRecord);
}
BENCHMARK(BM_Wal_Replay)->ArgName("zstd")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace sextant::tsdb::wal

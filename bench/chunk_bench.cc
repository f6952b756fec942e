// Benchmarks of sample encodings: the XOR chunk (the head's hot path, appended once per sample per
// scrape and decoded by every query) and the partitions' column codecs. Items are samples; the
// bytes_per_sample counter is the encoded size.
//
// Data: 120 samples per chunk (the head's cut) and 480 per column stream (2 hours at 15 s), with
// 15 s scrapes jittered by up to 5 ms, as real scrapes are:
//   Constant  1 at every sample (up, info metrics)
//   Counter   an integer counter growing by a few units a scrape
//   Gauge     a value with two decimals that wanders (temperatures, load averages)

#include <cmath>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "tsdb/chunkenc/xor_chunk.h"
#include "tsdb/partition/columns.h"

namespace sextant {
namespace {

using tsdb::chunkenc::XorChunk;
using tsdb::chunkenc::XorIterator;

enum class Kind { kConstant, kCounter, kGauge };

struct Series {
  std::vector<int64_t> ts;
  std::vector<double> vs;
};

Series MakeSeries(Kind kind, int n) {
  std::mt19937 rng(42);
  Series s;
  int64_t t = 1'700'000'000'000;
  double counter = 123456;
  double gauge = 2150;  // hundredths
  for (int i = 0; i < n; ++i) {
    s.ts.push_back(t + static_cast<int>(rng() % 11) - 5);
    t += 15'000;
    switch (kind) {
      case Kind::kConstant:
        s.vs.push_back(1);
        break;
      case Kind::kCounter:
        counter += rng() % 20;
        s.vs.push_back(counter);
        break;
      case Kind::kGauge:
        gauge += static_cast<int>(rng() % 21) - 10;
        s.vs.push_back(gauge / 100);  // the double nearest to a two-decimal value, as parsed
        break;
    }
  }
  return s;
}

constexpr int kChunkSamples = 120;
constexpr int kColumnSamples = 480;

void BM_XorChunk_Append(benchmark::State& state, Kind kind) {
  const Series s = MakeSeries(kind, kChunkSamples);
  size_t bytes = 0;
  for (auto _ : state) {
    XorChunk c;
    for (int i = 0; i < kChunkSamples; ++i) c.Append(s.ts[i], s.vs[i]);
    bytes = c.size_bytes();
    benchmark::DoNotOptimize(c.bytes().data());
  }
  state.SetItemsProcessed(state.iterations() * kChunkSamples);
  state.counters["bytes_per_sample"] = static_cast<double>(bytes) / kChunkSamples;
}
BENCHMARK_CAPTURE(BM_XorChunk_Append, Constant, Kind::kConstant);
BENCHMARK_CAPTURE(BM_XorChunk_Append, Counter, Kind::kCounter);
BENCHMARK_CAPTURE(BM_XorChunk_Append, Gauge, Kind::kGauge);

void BM_XorChunk_Iterate(benchmark::State& state, Kind kind) {
  const Series s = MakeSeries(kind, kChunkSamples);
  XorChunk c;
  for (int i = 0; i < kChunkSamples; ++i) c.Append(s.ts[i], s.vs[i]);
  for (auto _ : state) {
    XorIterator it = c.Iterator();
    while (it.Next()) {
      benchmark::DoNotOptimize(it.t());
      benchmark::DoNotOptimize(it.v());
    }
    if (!it.status().ok()) state.SkipWithError("decode failed");
  }
  state.SetItemsProcessed(state.iterations() * kChunkSamples);
  state.counters["bytes_per_sample"] = static_cast<double>(c.size_bytes()) / kChunkSamples;
}
BENCHMARK_CAPTURE(BM_XorChunk_Iterate, Constant, Kind::kConstant);
BENCHMARK_CAPTURE(BM_XorChunk_Iterate, Counter, Kind::kCounter);
BENCHMARK_CAPTURE(BM_XorChunk_Iterate, Gauge, Kind::kGauge);

void BM_Columns_Encode(benchmark::State& state, Kind kind) {
  const Series s = MakeSeries(kind, kColumnSamples);
  size_t bytes = 0;
  for (auto _ : state) {
    const std::string ts = tsdb::partition::EncodeTimestamps(s.ts);
    const std::string vs = tsdb::partition::EncodeValues(s.vs);
    bytes = ts.size() + vs.size();
    benchmark::DoNotOptimize(ts.data());
    benchmark::DoNotOptimize(vs.data());
  }
  state.SetItemsProcessed(state.iterations() * kColumnSamples);
  state.counters["bytes_per_sample"] = static_cast<double>(bytes) / kColumnSamples;
}
BENCHMARK_CAPTURE(BM_Columns_Encode, Constant, Kind::kConstant);
BENCHMARK_CAPTURE(BM_Columns_Encode, Counter, Kind::kCounter);
BENCHMARK_CAPTURE(BM_Columns_Encode, Gauge, Kind::kGauge);

void BM_Columns_Decode(benchmark::State& state, Kind kind) {
  const Series s = MakeSeries(kind, kColumnSamples);
  const std::string ts = tsdb::partition::EncodeTimestamps(s.ts);
  const std::string vs = tsdb::partition::EncodeValues(s.vs);
  std::vector<int64_t> ts_out;
  std::vector<double> vs_out;
  for (auto _ : state) {
    if (!tsdb::partition::DecodeTimestamps(ts, &ts_out).ok() ||
        !tsdb::partition::DecodeValues(vs, &vs_out).ok()) {
      state.SkipWithError("decode failed");
    }
    benchmark::DoNotOptimize(ts_out.data());
    benchmark::DoNotOptimize(vs_out.data());
  }
  state.SetItemsProcessed(state.iterations() * kColumnSamples);
  state.counters["bytes_per_sample"] = static_cast<double>(ts.size() + vs.size()) / kColumnSamples;
  state.counters["value_tag"] = static_cast<uint8_t>(vs[0]);
}
BENCHMARK_CAPTURE(BM_Columns_Decode, Constant, Kind::kConstant);
BENCHMARK_CAPTURE(BM_Columns_Decode, Counter, Kind::kCounter);
BENCHMARK_CAPTURE(BM_Columns_Decode, Gauge, Kind::kGauge);

}  // namespace
}  // namespace sextant

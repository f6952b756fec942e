// Benchmarks of the head and the database: appending scrapes to the head (no WAL, and through the
// DB with the WAL), postings intersection for label matchers, and a restart's WAL replay.

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <unistd.h>

#include "tsdb/db.h"
#include "tsdb/head/head.h"
#include "tsdb/index/postings.h"

namespace sextant::tsdb {
namespace {

// Realistic-looking label sets: node_exporter-style metrics times instances.
std::vector<model::Labels> MakeSeries(int n) {
  static const char* kNames[] = {"node_cpu_seconds_total", "node_memory_MemFree_bytes",
                                 "node_network_receive_bytes_total",
                                 "node_disk_io_time_seconds_total", "http_requests_total"};
  std::vector<model::Labels> out;
  out.reserve(n);
  for (int i = 0; i < n; ++i) {
    out.push_back(
        model::Labels::FromPairs({{"__name__", kNames[i % 5]},
                                  {"instance", "host-" + std::to_string(i / 50) + ":9100"},
                                  {"job", i % 3 == 0 ? "node" : "app"},
                                  {"mode", std::to_string(i % 50)}}));
  }
  return out;
}

std::string ScratchDir(const char* name) {
  auto dir = std::filesystem::temp_directory_path() /
             (std::string(name) + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  return dir.string();
}

// One "scrape" = one appender commit of every series; refs are cached as a scrape loop does.
void AppendScrapes(Storage& storage, const std::vector<model::Labels>& series,
                   std::vector<SeriesRef>& refs, int64_t t, benchmark::State& state) {
  auto app = storage.NewAppender();
  for (size_t i = 0; i < series.size(); ++i) {
    auto ref = app->Append(refs[i], series[i], t, static_cast<double>(t / 1000 + i));
    if (!ref.ok()) state.SkipWithError(std::string(ref.status().message()).c_str());
    refs[i] = *ref;
  }
  if (!app->Commit().ok()) state.SkipWithError("commit failed");
}

void BM_Head_Append(benchmark::State& state) {
  auto series = MakeSeries(static_cast<int>(state.range(0)));
  head::Head head({});
  std::vector<SeriesRef> refs(series.size(), 0);
  int64_t t = 0;
  for (auto _ : state) AppendScrapes(head, series, refs, t += 15000, state);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(series.size()));
}
BENCHMARK(BM_Head_Append)->Arg(1000)->Arg(10000);

// A database in `dir` without background compaction; null (and the benchmark marked failed)
// when it does not open.
std::unique_ptr<DB> OpenForBenchmark(const std::string& dir, benchmark::State& state) {
  DbOptions options;
  options.compaction_interval_ms = 0;
  auto db = DB::Open(dir, options);
  if (!db.ok()) {
    state.SkipWithError(std::string(db.status().message()).c_str());
    return nullptr;
  }
  return *std::move(db);
}

void BM_Db_AppendWithWal(benchmark::State& state) {
  auto series = MakeSeries(static_cast<int>(state.range(0)));
  std::string dir = ScratchDir("sextant_bench_append");
  std::unique_ptr<DB> db = OpenForBenchmark(dir, state);
  if (db == nullptr) return;
  std::vector<SeriesRef> refs(series.size(), 0);
  int64_t t = 0;
  for (auto _ : state) AppendScrapes(*db, series, refs, t += 15000, state);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(series.size()));
  db.reset();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_Db_AppendWithWal)->Arg(10000);

// job="app" AND __name__="http_requests_total" AND instance=~"host-1.*": two big lists and a
// regex union, over 100k series.
void BM_Postings_Intersect(benchmark::State& state) {
  index::MemPostings postings;
  auto series = MakeSeries(100000);
  for (size_t i = 0; i < series.size(); ++i) postings.Add(i + 1, series[i]);
  std::vector<model::Matcher> matchers = {
      *model::Matcher::Create(model::MatchType::kEqual, "job", "app"),
      *model::Matcher::Create(model::MatchType::kEqual, "__name__", "http_requests_total"),
      *model::Matcher::Create(model::MatchType::kRegexMatch, "instance", "host-1.*")};
  size_t n = 0;
  for (auto _ : state) {
    auto refs = index::PostingsForMatchers(postings, matchers);
    n = refs.size();
    benchmark::DoNotOptimize(refs);
  }
  state.counters["matched"] = static_cast<double>(n);
}
BENCHMARK(BM_Postings_Intersect);

// Restart: open a DB holding 10k series x 240 scrapes (1 hour at 15s) in its head. Arg 1: after a
// clean shutdown (the chunk snapshot is loaded); arg 0: as after a crash (the WAL is replayed onto
// the closed chunks mapped from the head chunk files).
void BM_Db_Restart(benchmark::State& state) {
  const bool snapshot = state.range(0) == 1;
  auto series = MakeSeries(10000);
  std::string dir = ScratchDir("sextant_bench_restart");
  {
    std::unique_ptr<DB> db = OpenForBenchmark(dir, state);
    if (db == nullptr) return;
    std::vector<SeriesRef> refs(series.size(), 0);
    for (int64_t k = 1; k <= 240; ++k) AppendScrapes(*db, series, refs, k * 15000, state);
  }
  for (auto _ : state) {
    state.PauseTiming();
    if (!snapshot) {
      for (const auto& e : std::filesystem::directory_iterator(dir + "/wal")) {
        if (e.path().filename().string().starts_with("chunk_snapshot.")) {
          std::filesystem::remove_all(e.path());
        }
      }
    }
    state.ResumeTiming();
    std::unique_ptr<DB> db = OpenForBenchmark(dir, state);
    state.PauseTiming();
    db.reset();  // Close() writes the next snapshot: not part of the start-up time
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * 10000 * 240);
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_Db_Restart)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

// Resident memory of the head per series: 100k series, each with 1h of 15s samples (240, two
// chunks). Reported as a counter (bytes/series), from the process's RSS growth.
int64_t RssBytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6)) * 1024;
  }
  return 0;
}

void BM_Head_MemoryPerSeries(benchmark::State& state) {
  const int n = 100000;
  auto series = MakeSeries(n);
  for (auto _ : state) {
    int64_t before = RssBytes();
    auto head = std::make_unique<head::Head>(head::HeadOptions{});
    std::vector<SeriesRef> refs(series.size(), 0);
    for (int64_t k = 1; k <= 240; ++k) AppendScrapes(*head, series, refs, k * 15000, state);
    state.counters["bytes_per_series"] = static_cast<double>(RssBytes() - before) / n;
    state.counters["chunk_bytes_per_series"] = static_cast<double>(head->num_chunks()) / n;
  }
}
BENCHMARK(BM_Head_MemoryPerSeries)->Iterations(1)->Unit(benchmark::kMillisecond);

// The same through the DB, whose closed chunks go to the memory-mapped head chunk files: anonymous
// memory (heap: series, labels, postings, open chunks) and file-backed pages (the mapped closed
// chunks, page cache) per series, from /proc/self/status RssAnon and RssFile + RssShmem.
int64_t StatusBytes(std::string_view name) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with(name) && line.size() > name.size() && line[name.size()] == ':') {
      return std::stoll(line.substr(name.size() + 1)) * 1024;
    }
  }
  return 0;
}

void BM_Db_MemoryPerSeries(benchmark::State& state) {
  const int n = 100000;
  auto series = MakeSeries(n);
  std::string dir = ScratchDir("sextant_bench_memory");
  for (auto _ : state) {
    const int64_t anon = StatusBytes("RssAnon");
    const int64_t file = StatusBytes("RssFile") + StatusBytes("RssShmem");
    std::unique_ptr<DB> db = OpenForBenchmark(dir, state);
    if (db == nullptr) return;
    std::vector<SeriesRef> refs(series.size(), 0);
    for (int64_t k = 1; k <= 240; ++k) AppendScrapes(*db, series, refs, k * 15000, state);
    state.counters["anon_bytes_per_series"] =
        static_cast<double>(StatusBytes("RssAnon") - anon) / n;
    state.counters["file_bytes_per_series"] =
        static_cast<double>(StatusBytes("RssFile") + StatusBytes("RssShmem") - file) / n;
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_Db_MemoryPerSeries)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace sextant::tsdb

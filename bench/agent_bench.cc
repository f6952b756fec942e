// Agent mode's storage (tsdb/agent/agent_storage.h) beside the server's head: append cost and the
// memory each keeps per series, the reason agent mode exists.
//
//   BM_AgentStorage_NewSeries/100000   bytes_per_series: what 100k fresh series cost in RAM
//   BM_Head_NewSeries/100000           the same series, one sample each, in the head (no WAL)
//   BM_AgentStorage_Scrape/10000       a steady scrape: 10k known series by cached ref, one commit

#include <filesystem>
#include <string>
#include <vector>

#include <malloc.h>
#include <unistd.h>

#include "benchmark/benchmark.h"
#include "model/labels.h"
#include "tsdb/agent/agent_storage.h"
#include "tsdb/head/head.h"

namespace sextant {
namespace {

std::vector<model::Labels> MakeLabels(int n, int salt) {
  std::vector<model::Labels> out;
  out.reserve(n);
  for (int i = 0; i < n; ++i) {
    out.push_back(model::Labels::FromPairs({{"__name__", "http_requests_total"},
                                            {"instance", "host-" + std::to_string(i % 500)},
                                            {"job", "api"},
                                            {"path", "/v1/item/" + std::to_string(i)},
                                            {"salt", std::to_string(salt)}}));
  }
  return out;
}

std::string TempDir(const char* name) {
  std::string dir = (std::filesystem::temp_directory_path() /
                     (std::string(name) + "_" + std::to_string(::getpid())))
                        .string();
  std::filesystem::remove_all(dir);
  return dir;
}

size_t HeapInUse() {
  malloc_trim(0);
  return mallinfo2().uordblks;
}

// Appends one sample for each of `labels` in commits of 1000 and reports the heap growth.
void AppendAll(benchmark::State& state, tsdb::Storage& storage,
               const std::vector<model::Labels>& labels, int64_t t) {
  for (size_t start = 0; start < labels.size(); start += 1000) {
    auto app = storage.NewAppender();
    for (size_t i = start; i < std::min(labels.size(), start + 1000); ++i) {
      if (!app->Append(0, labels[i], t, 1).ok()) state.SkipWithError("append failed");
    }
    if (!app->Commit().ok()) state.SkipWithError("commit failed");
  }
}

void BM_AgentStorage_NewSeries(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  double bytes = 0;
  int salt = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::string dir = TempDir("sextant_agent_bench");
    tsdb::agent::AgentOptions options;
    options.run_background = false;
    auto storage = tsdb::agent::AgentStorage::Open(dir, options);
    if (!storage.ok()) {
      state.SkipWithError(storage.status().ToString().c_str());
      return;
    }
    std::vector<model::Labels> labels = MakeLabels(n, salt++);
    const size_t before = HeapInUse();
    state.ResumeTiming();
    AppendAll(state, **storage, labels, 1000);
    state.PauseTiming();
    bytes = static_cast<double>(HeapInUse() - before) / n;
    (void)(*storage)->Close();
    storage->reset();
    std::filesystem::remove_all(dir);
    state.ResumeTiming();
  }
  state.counters["bytes_per_series"] = bytes;
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_AgentStorage_NewSeries)->Arg(100000)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_Head_NewSeries(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  double bytes = 0;
  int salt = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto head = std::make_unique<tsdb::head::Head>(tsdb::head::HeadOptions{});
    std::vector<model::Labels> labels = MakeLabels(n, salt++);
    const size_t before = HeapInUse();
    state.ResumeTiming();
    AppendAll(state, *head, labels, 1000);
    state.PauseTiming();
    bytes = static_cast<double>(HeapInUse() - before) / n;
    head.reset();
    state.ResumeTiming();
  }
  state.counters["bytes_per_series"] = bytes;
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_Head_NewSeries)->Arg(100000)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_AgentStorage_Scrape(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  std::string dir = TempDir("sextant_agent_scrape_bench");
  tsdb::agent::AgentOptions options;
  options.run_background = false;
  auto storage = tsdb::agent::AgentStorage::Open(dir, options);
  if (!storage.ok()) {
    state.SkipWithError(storage.status().ToString().c_str());
    return;
  }
  std::vector<model::Labels> labels = MakeLabels(n, 0);
  std::vector<tsdb::SeriesRef> refs(n, 0);
  int64_t t = 1000;
  for (auto _ : state) {
    auto app = (*storage)->NewAppender();
    for (int i = 0; i < n; ++i) {
      auto ref = app->Append(refs[i], labels[i], t, static_cast<double>(i));
      if (ref.ok()) refs[i] = *ref;
    }
    if (!app->Commit().ok()) state.SkipWithError("commit failed");
    t += 15000;
  }
  state.SetItemsProcessed(state.iterations() * n);
  (void)(*storage)->Close();
  storage->reset();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_AgentStorage_Scrape)->Arg(10000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace sextant

// Benchmarks of the PromQL engine on in-memory data, after Prometheus's BenchmarkRangeQuery:
// metrics a_<N> (counters) and h_<N>_bucket (classic histograms, 5 buckets per series) with
// N = 1, 10 or 100 series, a sample every 10s in the head; range queries of 1000 steps of 10s.
// Also the parse time of a large query.
//
// Run from a release build: build/release/bench/promql_bench

#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "promql/engine.h"
#include "promql/parser.h"
#include "tsdb/head/head.h"

namespace sextant::promql {
namespace {

constexpr int64_t kInterval = 10'000;  // ms between samples and between steps
constexpr int kSteps = 1000;
constexpr int64_t kWarmup = 3600'000;  // data before the first step, for 5m and 10m windows
constexpr int64_t kStart = kWarmup;
constexpr int64_t kEnd = kStart + (kSteps - 1) * kInterval;

// The head holding every benchmark's data, built once.
tsdb::head::Head& Data() {
  static tsdb::head::Head* head = [] {
    auto* h = new tsdb::head::Head(tsdb::head::HeadOptions{});
    const char* kLe[] = {"0.1", "0.5", "1", "5", "+Inf"};
    std::vector<model::Labels> series;
    std::vector<double> step;  // per-sample increment of each series
    for (int n : {1, 10, 100}) {
      for (int i = 0; i < n; ++i) {
        const std::string l = std::to_string(i);
        series.push_back(
            model::Labels::FromPairs({{"__name__", "a_" + std::to_string(n)}, {"l", l}}));
        step.push_back(1 + i % 7);
        for (int b = 0; b < 5; ++b) {
          series.push_back(model::Labels::FromPairs(
              {{"__name__", "h_" + std::to_string(n) + "_bucket"}, {"l", l}, {"le", kLe[b]}}));
          step.push_back(2 * (b + 1));
        }
      }
    }
    std::vector<tsdb::SeriesRef> refs(series.size(), 0);
    for (int64_t t = 0; t <= kEnd; t += kInterval) {
      std::unique_ptr<tsdb::Appender> app = h->NewAppender();
      for (size_t s = 0; s < series.size(); ++s) {
        auto ref = app->Append(refs[s], series[s], t, step[s] * static_cast<double>(t / kInterval));
        if (ref.ok()) refs[s] = *ref;
      }
      if (!app->Commit().ok()) std::abort();
    }
    return h;
  }();
  return *head;
}

void RunRange(benchmark::State& state, const char* pattern) {
  tsdb::head::Head& head = Data();
  const std::string n = std::to_string(state.range(0));
  std::string query = pattern;
  for (size_t p = query.find("$N"); p != std::string::npos; p = query.find("$N"))
    query.replace(p, 2, n);
  Engine engine(EngineOptions{});
  int64_t points = 0;
  for (auto _ : state) {
    absl::StatusOr<QueryResult> r = engine.RangeQuery(head, query, kStart, kEnd, kInterval);
    if (!r.ok()) {
      state.SkipWithError(std::string(r.status().message()).c_str());
      return;
    }
    points = 0;
    for (const Series& s : std::get<Matrix>(r->value)) points += s.points.size();
    benchmark::DoNotOptimize(r);
  }
  state.counters["points"] = static_cast<double>(points);
  state.SetLabel(query);
}

void BM_Rate(benchmark::State& s) { RunRange(s, "rate(a_$N[1m])"); }
void BM_SumRate(benchmark::State& s) { RunRange(s, "sum(rate(a_$N[1m]))"); }
void BM_SumByRate(benchmark::State& s) { RunRange(s, "sum by (l)(rate(a_$N[1m]))"); }
void BM_HistogramQuantile(benchmark::State& s) {
  RunRange(s, "histogram_quantile(0.9, rate(h_$N_bucket[5m]))");
}
void BM_AvgOverTime(benchmark::State& s) { RunRange(s, "avg_over_time(a_$N[10m])"); }

BENCHMARK(BM_Rate)->Arg(1)->Arg(10)->Arg(100)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SumRate)->Arg(1)->Arg(10)->Arg(100)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SumByRate)->Arg(1)->Arg(10)->Arg(100)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_HistogramQuantile)->Arg(1)->Arg(10)->Arg(100)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_AvgOverTime)->Arg(1)->Arg(10)->Arg(100)->Unit(benchmark::kMicrosecond);

// A large dashboard-style query: 200 terms of ratios, aggregations and functions (~20 kB).
std::string LargeQuery() {
  std::string q;
  for (int i = 0; i < 200; ++i) {
    if (i > 0) q += i % 3 == 0 ? " or " : " + ";
    const std::string m = "metric_" + std::to_string(i);
    q += "sum by (job, instance) (rate(" + m +
         "_total{job=~\"api|web\",code!=\"200\"}[5m])) / on(job) group_left sum by (job) (rate(" +
         m + "_total[5m] offset 1m))";
  }
  return q;
}

void BM_ParseLargeQuery(benchmark::State& state) {
  const std::string q = LargeQuery();
  for (auto _ : state) {
    auto e = ParseExpr(q);
    if (!e.ok()) {
      state.SkipWithError(std::string(e.status().message()).c_str());
      return;
    }
    benchmark::DoNotOptimize(e);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * q.size()));
  state.counters["bytes"] = static_cast<double>(q.size());
}
BENCHMARK(BM_ParseLargeQuery)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace sextant::promql

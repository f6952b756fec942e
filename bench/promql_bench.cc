// Benchmarks of the PromQL engine on in-memory data.
// - After Prometheus's BenchmarkRangeQuery: metrics a_<N> (counters) and h_<N>_bucket (classic
//   histograms, 5 buckets per series) with N = 1, 10 or 100 series, a sample every 10s in the
//   head; range queries of 1000 steps of 10s.
// - At the scale users run (BM_Scale*): 10,000 counters http_requests_total{job, instance, path,
//   method, code} and 100 histograms of 10 buckets, 6 hours at 15s, and a dashboard's queries.
// - The parse time of a large query.
// Every case reports the heap allocations one query makes ("allocs").
//
// Run from a release build: build/release/bench/promql_bench [--benchmark_filter=Scale]

#include <atomic>
#include <cstdlib>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "promql/engine.h"
#include "promql/parser.h"
#include "tsdb/head/head.h"

// Every heap allocation of the program, counted. (GCC cannot see that these replace the global
// operators, and takes the free() below for a mismatch.)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
namespace {
std::atomic<int64_t> g_allocations{0};
}  // namespace

void* operator new(size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

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

// Runs `query` over [start, end] every `step` (an instant query when step is 0) and reports the
// points returned and the allocations per query.
void RunQuery(benchmark::State& state, tsdb::Storage& storage, const std::string& query,
              int64_t start, int64_t end, int64_t step) {
  Engine engine(EngineOptions{});
  int64_t points = 0;
  int64_t allocations = 0;
  for (auto _ : state) {
    const int64_t before = g_allocations.load(std::memory_order_relaxed);
    absl::StatusOr<QueryResult> r = step == 0 ? engine.InstantQuery(storage, query, end)
                                              : engine.RangeQuery(storage, query, start, end, step);
    if (!r.ok()) {
      state.SkipWithError(std::string(r.status().message()).c_str());
      return;
    }
    points = 0;
    if (const auto* m = std::get_if<Matrix>(&r->value)) {
      for (const Series& s : *m) points += static_cast<int64_t>(s.points.size());
    } else if (const auto* v = std::get_if<Vector>(&r->value)) {
      points = static_cast<int64_t>(v->size());
    }
    benchmark::DoNotOptimize(r);
    r = absl::UnknownError("");  // free the result inside the timed region, as a server would
    allocations += g_allocations.load(std::memory_order_relaxed) - before;
  }
  state.counters["points"] = static_cast<double>(points);
  state.counters["allocs"] =
      benchmark::Counter(static_cast<double>(allocations), benchmark::Counter::kAvgIterations);
  state.SetLabel(query);
}

void RunRange(benchmark::State& state, const char* pattern) {
  std::string query = pattern;
  const std::string n = std::to_string(state.range(0));
  for (size_t p = query.find("$N"); p != std::string::npos; p = query.find("$N"))
    query.replace(p, 2, n);
  RunQuery(state, Data(), query, kStart, kEnd, kInterval);
}

// The data at the scale users run, built once: 10,000 counters and 100 histograms of 10
// buckets, a sample every 15s for 6 hours.
constexpr int64_t kScaleInterval = 15'000;
constexpr int64_t kScaleEnd = 6 * 3600'000;

tsdb::head::Head& ScaleData() {
  static tsdb::head::Head* head = [] {
    auto* h = new tsdb::head::Head(tsdb::head::HeadOptions{});
    std::vector<model::Labels> series;
    std::vector<double> rate;  // per-sample increment of each series
    const char* kMethods[] = {"GET", "POST"};
    const char* kCodes[] = {"200", "200", "404", "500", "503"};
    for (int job = 0; job < 2; ++job) {
      for (int inst = 0; inst < 50; ++inst) {
        const std::string instance =
            "10.0." + std::to_string(job) + "." + std::to_string(inst) + ":8000";
        const std::string job_name = job == 0 ? "api" : "web";
        for (int path = 0; path < 20; ++path) {
          for (int mc = 0; mc < 5; ++mc) {
            series.push_back(model::Labels::FromPairs(
                {{"__name__", "http_requests_total"},
                 {"job", job_name},
                 {"instance", instance},
                 {"path", (path < 10 ? "/api/v1/" : "/static/") + std::to_string(path)},
                 {"method", kMethods[mc % 2]},
                 {"code", kCodes[mc]}}));
            rate.push_back(1 + (inst * 7 + path * 3 + mc) % 13);
          }
        }
        // One histogram per instance: 100 of 10 buckets.
        const char* kLe[] = {"0.005", "0.01", "0.025", "0.05", "0.1",
                             "0.25",  "0.5",  "1",     "2.5",  "+Inf"};
        for (int b = 0; b < 10; ++b) {
          series.push_back(
              model::Labels::FromPairs({{"__name__", "http_request_duration_seconds_bucket"},
                                        {"job", job_name},
                                        {"instance", instance},
                                        {"le", kLe[b]}}));
          rate.push_back((b + 1) * (1 + inst % 5));
        }
      }
    }
    std::vector<tsdb::SeriesRef> refs(series.size(), 0);
    for (int64_t t = 0; t <= kScaleEnd; t += kScaleInterval) {
      std::unique_ptr<tsdb::Appender> app = h->NewAppender();
      for (size_t s = 0; s < series.size(); ++s) {
        const double v = rate[s] * static_cast<double>(t / kScaleInterval);
        auto ref = app->Append(refs[s], series[s], t, v);
        if (ref.ok()) refs[s] = *ref;
      }
      if (!app->Commit().ok()) std::abort();
    }
    return h;
  }();
  return *head;
}

void RunScale(benchmark::State& state, const char* query, int64_t range_ms, int64_t step) {
  RunQuery(state, ScaleData(), query, kScaleEnd - range_ms, kScaleEnd, step);
}

constexpr int64_t kHour = 3600'000;
void BM_ScaleInstantRate(benchmark::State& s) {
  RunScale(s, "rate(http_requests_total[5m])", 0, 0);
}
void BM_ScaleCountRegex(benchmark::State& s) {
  RunScale(s, "count(http_requests_total{path=~\"/api/v1/.*\"})", 0, 0);
}
void BM_ScaleSumRate1h(benchmark::State& s) {
  RunScale(s, "sum(rate(http_requests_total[5m]))", kHour, 15'000);
}
void BM_ScaleSumRate6h(benchmark::State& s) {
  RunScale(s, "sum(rate(http_requests_total[5m]))", 6 * kHour, 60'000);
}
void BM_ScaleSumByInstance1h(benchmark::State& s) {
  RunScale(s, "sum by (instance) (rate(http_requests_total[5m]))", kHour, 15'000);
}
void BM_ScaleSumByInstance6h(benchmark::State& s) {
  RunScale(s, "sum by (instance) (rate(http_requests_total[5m]))", 6 * kHour, 60'000);
}
void BM_ScaleErrorRatio(benchmark::State& s) {
  RunScale(s,
           "sum by (job) (rate(http_requests_total{code=~\"5..\"}[5m])) / sum by (job) "
           "(rate(http_requests_total[5m]))",
           kHour, 15'000);
}
void BM_ScaleHistogramQuantile(benchmark::State& s) {
  RunScale(s,
           "histogram_quantile(0.95, sum by (le) "
           "(rate(http_request_duration_seconds_bucket[5m])))",
           kHour, 15'000);
}
void BM_ScaleHistogramQuantileByInstance(benchmark::State& s) {
  RunScale(s,
           "histogram_quantile(0.95, sum by (instance, le) "
           "(rate(http_request_duration_seconds_bucket[5m])))",
           kHour, 15'000);
}
void BM_ScaleAvgOverTime(benchmark::State& s) {
  RunScale(s, "avg_over_time(http_requests_total{job=\"api\"}[10m])", kHour, 60'000);
}
BENCHMARK(BM_ScaleInstantRate)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ScaleCountRegex)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ScaleSumRate1h)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ScaleSumRate6h)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ScaleSumByInstance1h)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ScaleSumByInstance6h)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ScaleErrorRatio)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ScaleHistogramQuantile)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ScaleHistogramQuantileByInstance)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ScaleAvgOverTime)->Unit(benchmark::kMillisecond);

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

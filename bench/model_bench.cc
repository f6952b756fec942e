// Benchmarks of the model types on the hot paths of ingestion and querying: building, hashing
// and comparing label sets, and matching label values.

#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "model/labels.h"
#include "model/matcher.h"

namespace sextant::model {
namespace {

// A realistic node_exporter series: 6 labels.
Labels NodeSeries(int cpu) {
  return Labels::FromPairs({{"__name__", "node_cpu_seconds_total"},
                            {"cpu", std::to_string(cpu)},
                            {"instance", "node-exporter.monitoring.svc:9100"},
                            {"job", "node"},
                            {"mode", "idle"},
                            {"cluster", "ml-prod"}});
}

void BM_Labels_FromPairs(benchmark::State& state) {
  int i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(NodeSeries(i++ & 63));
}
BENCHMARK(BM_Labels_FromPairs);

void BM_Labels_Hash(benchmark::State& state) {
  const Labels l = NodeSeries(7);
  for (auto _ : state) benchmark::DoNotOptimize(l.Hash());
}
BENCHMARK(BM_Labels_Hash);

void BM_Labels_CompareEqual(benchmark::State& state) {
  const Labels a = NodeSeries(7);
  const Labels b = NodeSeries(7);
  for (auto _ : state) benchmark::DoNotOptimize(a.Compare(b));
}
BENCHMARK(BM_Labels_CompareEqual);

void BM_Labels_Get(benchmark::State& state) {
  const Labels l = NodeSeries(7);
  for (auto _ : state) benchmark::DoNotOptimize(l.Get("mode"));
}
BENCHMARK(BM_Labels_Get);

void BM_Matcher(benchmark::State& state, MatchType type, const char* pattern) {
  const Matcher m = *Matcher::Create(type, "mode", pattern);
  const std::vector<std::string> values = {"idle", "user", "system", "iowait", "irq", "steal"};
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(m.Matches(values[i++ % values.size()]));
}
BENCHMARK_CAPTURE(BM_Matcher, Equal, MatchType::kEqual, "idle");
BENCHMARK_CAPTURE(BM_Matcher, RegexAlternation, MatchType::kRegexMatch, "idle|user|system");
BENCHMARK_CAPTURE(BM_Matcher, RegexPrefix, MatchType::kRegexMatch, "i.*");
BENCHMARK_CAPTURE(BM_Matcher, RegexGeneral, MatchType::kRegexMatch, "(i|s)[a-z]+t");

}  // namespace
}  // namespace sextant::model

// Benchmarks of the exposition parsers: bytes and samples per second (ns/sample is the inverse
// of items_per_second) of the OpenMetrics parser on a node_exporter-like page with timestamps
// (what backfill reads) and on one with escapes and exemplars, and of the text 0.0.4 parser on
// the real pages of ../shared/datasets (node_exporter 1.5, alltypes.237mfs) that the scrape goal
// (at most 100 ns/sample) is stated on.

#include <fstream>
#include <sstream>
#include <string>

#include <benchmark/benchmark.h>

#include "scrape/parser/openmetrics_parser.h"
#include "scrape/parser/text_parser.h"

namespace sextant::scrape {
namespace {

// `lines` samples of 8 series with 4 labels each, timestamps in float seconds.
std::string Recording(int lines) {
  std::string out =
      "# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.\n"
      "# TYPE node_cpu_seconds_total counter\n";
  for (int i = 0; i < lines; ++i) {
    out += "node_cpu_seconds_total{cpu=\"" + std::to_string(i % 8) +
           "\",instance=\"127.0.0.1:9100\",job=\"node\",mode=\"idle\"} " +
           std::to_string(123456.78 + i) + " " + std::to_string(1795238544 + i / 8) + ".509\n";
  }
  return out + "# EOF\n";
}

std::string Escaped(int lines) {
  std::string out;
  for (int i = 0; i < lines; ++i) {
    out += "http_requests_total{path=\"/a\\\"b\\\\c\",code=\"200\"} " + std::to_string(i) +
           " # {trace_id=\"4bf92f3577b34da6a3ce929d0e0e4736\"} 1 1795238544.5\n";
  }
  return out + "# EOF\n";
}

std::string Dataset(const char* name) {
  std::ifstream in(std::string(SEXTANT_DATASETS_DIR) + "/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

template <typename Parser = OpenMetricsParser>
void Run(benchmark::State& state, const std::string& input) {
  if (input.empty()) {
    state.SkipWithError("dataset missing");
    return;
  }
  int64_t samples = 0;
  for (auto _ : state) {
    Parser p(input);
    for (Entry e = p.Next(); e != Entry::kEof && e != Entry::kError; e = p.Next()) {
      if (e == Entry::kSeries) {
        benchmark::DoNotOptimize(p.labels().data());
        ++samples;
      }
    }
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(input.size()));
  state.SetItemsProcessed(samples);
}

void BM_OpenMetricsParser_Recording(benchmark::State& state) { Run(state, Recording(10000)); }
BENCHMARK(BM_OpenMetricsParser_Recording);

void BM_OpenMetricsParser_EscapesAndExemplars(benchmark::State& state) {
  Run(state, Escaped(10000));
}
BENCHMARK(BM_OpenMetricsParser_EscapesAndExemplars);

void BM_TextParser_NodeExporter(benchmark::State& state) {
  Run<TextParser>(state, Dataset("node_exporter-1.5.metrics.txt"));
}
BENCHMARK(BM_TextParser_NodeExporter);

void BM_TextParser_AllTypes237(benchmark::State& state) {
  Run<TextParser>(state, Dataset("alltypes.237mfs.prom.txt"));
}
BENCHMARK(BM_TextParser_AllTypes237);

}  // namespace
}  // namespace sextant::scrape

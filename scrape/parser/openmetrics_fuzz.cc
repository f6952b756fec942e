// libFuzzer entry point for the OpenMetrics parser. Built as a fuzzer with clang and
// -DSEXTANT_BUILD_FUZZERS=ON (target openmetrics_fuzzer); the unit tests also call it on random
// mutations of the datasets (openmetrics_fuzz_test.cc).
//
// Beyond "no crash, no sanitizer report", it checks the parser's contract and traps when broken:
// every view lies in the input or in the parser's own buffers, line numbers never decrease nor
// pass the number of lines, the parser ends in kEof or kError within one entry per line, and a
// finished parser stays finished.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "scrape/parser/openmetrics_parser.h"

namespace {

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

bool Inside(std::string_view part, std::string_view whole) {
  return part.empty() ||
         (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using sextant::scrape::Entry;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  int max_line = 1;
  for (char c : input) max_line += c == '\n';

  sextant::scrape::OpenMetricsParser parser(input);
  int last_line = 0;
  Entry e = Entry::kSeries;
  for (int entries = 0; entries <= max_line; ++entries) {
    e = parser.Next();
    Check(parser.line() >= last_line && parser.line() >= 1 && parser.line() <= max_line);
    last_line = parser.line();
    if (e == Entry::kEof || e == Entry::kError) break;
    switch (e) {
      case Entry::kSeries: {
        Check(Inside(parser.series(), input) && Inside(parser.metric_name(), input));
        Check(!parser.metric_name().empty());
        for (const auto& label : parser.labels()) {
          Check(Inside(label.name, parser.series()) && !label.name.empty());
          volatile size_t n = label.value.size();  // must be readable, wherever it lives
          (void)n;
        }
        volatile double v = parser.value();
        (void)v;
        break;
      }
      case Entry::kType:
      case Entry::kHelp:
      case Entry::kUnit:
        Check(Inside(parser.meta_name(), input) && !parser.meta_name().empty());
        Check(Inside(parser.unit(), input));
        break;
      default:
        break;
    }
  }
  Check(e == Entry::kEof || e == Entry::kError);
  Check((e == Entry::kError) == !parser.status().ok());
  Check(e != Entry::kError || !parser.error().empty());
  Check(parser.Next() == e);  // stays finished
  return 0;
}

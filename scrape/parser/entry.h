#pragma once

// What an exposition-format parser returns from Next(), and the metric types that TYPE lines
// declare. Shared by the OpenMetrics parser and (later) the text 0.0.4 parser.

#include <string_view>

namespace sextant::scrape {

enum class Entry {
  kSeries,  // a sample line: name, labels, value, optional timestamp
  kType,    // # TYPE <name> <type>
  kHelp,    // # HELP <name> <text>
  kUnit,    // # UNIT <name> <unit>
  kEof,     // the end of a well-formed input
  kError,   // a malformed input; the parser stays in this state
};

enum class MetricType {
  kUnknown,
  kCounter,
  kGauge,
  kHistogram,
  kGaugeHistogram,
  kSummary,
  kInfo,
  kStateset,
};

// "counter", "gaugehistogram", ...: the spelling in TYPE lines.
std::string_view MetricTypeName(MetricType type);

}  // namespace sextant::scrape

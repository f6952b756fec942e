#pragma once

// OpenMetricsParser: a pull parser for the OpenMetrics 1.0 text format
// (https://github.com/OpenObservability/OpenMetrics/blob/main/specification/OpenMetrics.md), with
// the grammar and the error messages of Prometheus's textparse.OpenMetricsParser (2.42):
//
//   OpenMetricsParser p(text);
//   for (Entry e = p.Next(); e != Entry::kEof; e = p.Next()) {
//     if (e == Entry::kError) return p.status();      // "line 7: expected label value, ..."
//     if (e != Entry::kSeries) continue;
//     Use(p.metric_name(), p.labels(), p.value(), p.timestamp());
//   }
//
// Input: the whole exposition in memory. Every line ends with '\n' and the input ends with the
// line "# EOF" (its newline optional); nothing may follow it.
//
// Zero-copy: names, label names and label values without escapes are views into the input;
// label values and HELP texts with escapes (\\, \", \n) are unescaped into a buffer the parser
// reuses. After warm-up, Next() does not allocate (errors excepted).
//
// Samples: the value is a float64 as Go parses it (NaN, +Inf, -Inf, 1.5e3, ...; NaN is the
// normal NaN 0x7ff8000000000001, never the stale marker). The timestamp is optional, in float
// seconds, converted to milliseconds by truncation toward zero (1.005 s -> 1004 ms, as Go's
// int64(ts * 1000) gives); NaN, ±Inf and values beyond the int64 range of milliseconds are errors.
// An exemplar (` # {labels} value [timestamp]`) is parsed and validated, then dropped; only
// metrics named *_total or *_bucket may carry one.
//
// Not checked here (the consumer's business): duplicate label names, empty label values, whether
// a sample's name belongs to the metric family of the last TYPE line.
//
// Thread-safety: none; one parser per thread. The input must outlive the parser and every view
// it returned; views are valid until the next call to Next().

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "model/labels.h"
#include "scrape/parser/entry.h"
#include "scrape/parser/openmetrics_lexer.h"

namespace sextant::scrape {

class OpenMetricsParser {
 public:
  explicit OpenMetricsParser(std::string_view input);
  OpenMetricsParser(const OpenMetricsParser&) = delete;
  OpenMetricsParser& operator=(const OpenMetricsParser&) = delete;

  // Advances to the next entry. After kEof or kError, keeps returning it.
  Entry Next();

  // TextParser's interface: the same as Next() for now (matched_expected() is always false).
  Entry NextExpecting(std::string_view /*expected*/) { return Next(); }
  bool matched_expected() const { return false; }

  // The 1-based line of the entry Next() returned last (for kError, the line of the error).
  int line() const { return line_; }

  // --- after kSeries ---
  // The sample's text up to and including the closing brace: `name{a="b"}` or `name`.
  std::string_view series() const { return series_; }
  std::string_view metric_name() const { return name_; }
  // The labels in input order, without __name__; values unescaped. Not sorted, not deduplicated.
  std::span<const model::Label> labels() const { return labels_; }
  double value() const { return value_; }
  // Milliseconds, when the sample has a timestamp.
  std::optional<int64_t> timestamp() const {
    return has_timestamp_ ? std::optional<int64_t>(timestamp_) : std::nullopt;
  }
  bool has_exemplar() const { return has_exemplar_; }

  // --- after kType, kHelp, kUnit ---
  std::string_view meta_name() const { return meta_name_; }
  std::string_view help() const { return help_; }  // unescaped
  std::string_view unit() const { return unit_; }
  // The type declared by the last TYPE line so far (kUnknown before any). Prometheus 3.x uses it
  // to normalise `le` and `quantile` values (NormalizeLabelValue below).
  MetricType metric_type() const { return type_; }

  // --- after kError ---
  // Prometheus's message, without the line: `expected value after metric, got "INVALID"`.
  const std::string& error() const { return error_; }
  // OK unless Next() returned kError; then InvalidArgument "line <n>: <error()>".
  absl::Status status() const;

 private:
  struct RawLabel {
    size_t name_begin, name_end, value_begin, value_end;  // value: in input_ or unescaped_
    bool escaped;
  };

  Entry Fail(std::string message);
  Entry FailToken(std::string_view expected, OmToken got);
  Entry ParseMeta(OmToken kind);
  Entry ParseSample();
  bool ParseLabels(bool exemplar);
  bool ParseFloatToken(OmToken t, std::string_view after, double* out);
  bool ParseTimestampToken(std::string_view what, int64_t* out);
  bool ParseExemplar();
  void MaterializeLabels();

  std::string_view input_;
  OpenMetricsLexer lexer_;
  size_t entry_begin_ = 0;
  int line_ = 1;
  bool done_ = false;
  Entry last_ = Entry::kEof;

  std::string_view series_;
  std::string_view name_;
  std::vector<RawLabel> raw_labels_;
  std::vector<model::Label> labels_;
  std::string unescaped_;  // unescaped label values of the current sample
  double value_ = 0;
  int64_t timestamp_ = 0;
  bool has_timestamp_ = false;
  bool has_exemplar_ = false;

  std::string_view meta_name_;
  std::string_view help_;
  std::string help_buf_;
  std::string_view unit_;
  MetricType type_ = MetricType::kUnknown;

  std::string error_;
};

// Prometheus 3.x's ingestion rule: the `le` label of a histogram's series and the `quantile`
// label of a summary's series are rewritten in OpenMetrics float form when they parse as floats
// ("1" -> "1.0", "0.50" -> "0.5", "1e3" -> "1000.0", "+inf" -> "+Inf"); every other value is
// returned unchanged. `type` is the family's declared type. May use *scratch for the result.
std::string_view NormalizeLabelValue(MetricType type, std::string_view name, std::string_view value,
                                     std::string* scratch);

// Go's FormatOpenMetricsFloat: %g, with ".0" added when neither '.' nor 'e' appears.
std::string FormatOpenMetricsFloat(double v);

}  // namespace sextant::scrape

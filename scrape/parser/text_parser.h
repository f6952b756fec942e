#pragma once

// TextParser: a pull parser for the Prometheus text exposition format 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/), with the grammar and the error
// messages of Prometheus 3.x's textparse.PromParser, quoted UTF-8 names included. It has the
// accessors of OpenMetricsParser, so that code written for one (a template) takes the other:
//
//   TextParser p(text);
//   for (Entry e = p.Next(); e != Entry::kEof; e = p.Next()) {
//     if (e == Entry::kError) return p.status();
//     // line 3: expected label value, got "'" ("INVALID") while parsing: "a{b='"
//     if (e != Entry::kSeries) continue;
//     Use(p.metric_name(), p.labels(), p.value(), p.timestamp());
//   }
//
// Input: the whole exposition in memory. Lines end with '\n'; the last one needs none; there is
// no "# EOF". Blank lines and blanks ([ \t]+) between tokens are allowed. Lines:
//
//   # HELP <name> <text>         escapes \\ and \n in the text; kHelp
//   # TYPE <name> <type>         counter, gauge, histogram, summary or untyped (kUnknown); kType
//   # <anything else>            a comment, skipped (so is "#..." with no blank after '#')
//   <name>{<l>="<v>",...} <value> [<timestamp>]                                         kSeries
//   {"<utf-8 name>",<l>="<v>","<utf-8 label>"="<v>"} <value> [<timestamp>]               kSeries
//
// Label values escape \\, \" and \n; a raw newline inside quotes is allowed (as in Prometheus).
// In HELP and TYPE lines the name may be quoted too. Label pairs may be separated by a comma or
// not, and a trailing comma is allowed. The value is a float64 as Go parses it (NaN, +Inf, -Inf,
// Inf, 1.5e3, ...; NaN is the normal NaN 0x7ff8000000000001, never the stale marker); hex floats
// and '_' are errors. The timestamp is an integer number of milliseconds, digits only (no sign).
// CRLF line ends are errors ("\r" joins the value, or is an INVALID token after a timestamp).
//
// Prometheus's quirks, kept:
//   - A line's leading blanks are part of its metric name ("  a 1" is the series "  a").
//   - A NUL byte where a line starts ends the input (kEof); see text_lexer.h for NULs elsewhere.
//   - The first byte after the name in HELP/TYPE is dropped from the text even when it is not a
//     blank (`# HELP "a"bc` has the help "c"); TYPE's text must be the bare type word, so
//     "# TYPE a counter " (trailing blank) is an error.
//   - HELP/TYPE names are returned with their quotes stripped but escapes as written; sample
//     names and label names in quotes are unescaped like label values.
//
// Zero-copy: names, label names and label values without escapes are views into the input;
// escaped ones are unescaped into a buffer the parser reuses. After warm-up, Next() does not
// allocate (errors excepted).
//
// Not checked here (the consumer's business): duplicate label names, empty names and label
// values, whether a name is a legal metric or label name, whether a sample belongs to the metric
// family of the last TYPE line.
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
#include "scrape/parser/text_lexer.h"

namespace sextant::scrape {

class TextParser {
 public:
  explicit TextParser(std::string_view input);
  TextParser(const TextParser&) = delete;
  TextParser& operator=(const TextParser&) = delete;

  // Advances to the next entry: kSeries, kHelp or kType (comments and blank lines are skipped),
  // then kEof; kError on malformed input. After kEof or kError, keeps returning it.
  Entry Next() { return NextEntry({}); }

  // Next(), told the series text the caller expects next: the series() of a sample that a
  // TextParser returned before (the same line of the previous scrape of the page, say). When the
  // next sample line starts with exactly that series text, its labels are not parsed:
  // matched_expected() is true, series() is the text, value() and timestamp() are set, and
  // metric_name() and labels() are empty. Otherwise (or with an empty `expected`) the same as
  // Next(), and matched_expected() is false. Errors and line numbers are those of Next().
  Entry NextExpecting(std::string_view expected) { return NextEntry(expected); }
  bool matched_expected() const { return matched_expected_; }

  // The 1-based line where the entry Next() returned last starts; for kError, the line of the
  // token the error is about.
  int line() const { return line_; }

  // --- after kSeries ---
  // The sample's text from the start of its line up to and including the closing brace (or the
  // end of the name when there are no braces): `a{b="c"}`, `a`, `{"a.b"}`.
  std::string_view series() const { return series_; }
  // Unescaped when quoted; may be empty (`{""} 1`).
  std::string_view metric_name() const { return name_; }
  // The labels in input order, without __name__; names and values unescaped. Not sorted, not
  // deduplicated.
  std::span<const model::Label> labels() const { return labels_; }
  double value() const { return value_; }
  // Milliseconds, when the sample has a timestamp (never negative: the format has no sign).
  std::optional<int64_t> timestamp() const {
    return has_timestamp_ ? std::optional<int64_t>(timestamp_) : std::nullopt;
  }
  // The text format has no exemplars.
  bool has_exemplar() const { return false; }

  // --- after kType, kHelp ---
  std::string_view meta_name() const { return meta_name_; }
  std::string_view help() const { return help_; }  // unescaped
  // The text format has no UNIT lines; always empty.
  std::string_view unit() const { return {}; }
  // The type declared by the last TYPE line so far (kUnknown before any, and for "untyped"):
  // what NormalizeLabelValue (openmetrics_parser.h) takes, as in Prometheus 3.x.
  MetricType metric_type() const { return type_; }

  // --- after kError ---
  // Prometheus's message, without the line: `expected value after metric, got "\n" ("INVALID")
  // while parsing: "a\n"`.
  const std::string& error() const { return error_; }
  // OK unless Next() returned kError; then InvalidArgument "line <n>: <error()>".
  absl::Status status() const;

 private:
  struct Span {
    size_t begin = 0, end = 0;  // in input_, or in unescaped_ once unescaped
    bool escaped = false;       // contains a backslash: to be unescaped
  };
  struct RawLabel {
    Span name, value;
  };

  Entry NextEntry(std::string_view expected);
  Entry Fail(std::string message);
  Entry FailToken(std::string_view expected, TextToken got);
  Entry ParseMeta(TextToken kind);
  Entry ParseSample(bool name_first);
  bool ParseLabels();
  Entry ParseSuffix(TextToken t);
  void MaterializeLabels();
  // The span of a quoted or bare name token [begin, end), quotes stripped.
  Span NameSpan(size_t begin, size_t end) const;

  std::string_view input_;
  TextLexer lexer_;
  size_t entry_begin_ = 0;  // Go's p.start: where the current line's lexing began
  int line_ = 1;
  bool done_ = false;
  Entry last_ = Entry::kEof;

  std::string_view series_;
  std::string_view name_;
  Span name_span_;
  bool name_set_ = false;
  std::vector<RawLabel> raw_labels_;
  std::vector<model::Label> labels_;
  std::string unescaped_;  // unescaped names and label values of the current sample
  double value_ = 0;
  int64_t timestamp_ = 0;
  bool has_timestamp_ = false;
  bool matched_expected_ = false;

  std::string_view meta_name_;
  std::string_view help_;
  std::string help_buf_;
  MetricType type_ = MetricType::kUnknown;

  std::string error_;
};

}  // namespace sextant::scrape

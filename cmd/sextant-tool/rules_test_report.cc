#include "cmd/sextant-tool/rules_test_report.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "model/duration.h"
#include "util/go_format.h"
#include "util/strings.h"

namespace sextant::tool {

using util::StrCat;

std::string FormatFloatE(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  // Shortest round-trip digits in scientific form, as Go's precision -1; the exponent has at
  // least two digits in both.
  const auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  std::string s(buf, end);
  for (char& c : s) {
    if (c == 'e') c = 'E';
  }
  return s;
}

std::string IndentLines(std::string_view lines, std::string_view indent) {
  std::string out;
  size_t start = 0;
  bool first = true;
  while (true) {
    const size_t nl = lines.find('\n', start);
    if (!first) out.append(indent);
    first = false;
    if (nl == std::string_view::npos) {
      out.append(lines.substr(start));
      break;
    }
    out.append(lines.substr(start, nl + 1 - start));
    start = nl + 1;
  }
  return out;
}

void SortAlerts(std::vector<AlertLabelsAndAnnotations>& alerts) {
  std::stable_sort(alerts.begin(), alerts.end(), [](const auto& a, const auto& b) {
    const int diff = a.labels.Compare(b.labels);
    if (diff != 0) return diff < 0;
    return a.annotations.Compare(b.annotations) < 0;
  });
}

std::string AlertListString(const std::vector<AlertLabelsAndAnnotations>& alerts) {
  if (alerts.empty()) return "[]";
  std::string s = "[";
  for (size_t i = 0; i < alerts.size(); ++i) {
    const std::string one = StrCat("\nLabels:", alerts[i].labels.ToString(),
                                   "\nAnnotations:", alerts[i].annotations.ToString());
    util::StrAppend(&s, i == 0 ? "\n" : ",\n", std::to_string(i), ":", IndentLines(one, "  "));
  }
  s.append("\n]");
  return s;
}

std::string SampleListString(const std::vector<ExprSample>& samples) {
  if (samples.empty()) return "nil";
  std::string s;
  for (size_t i = 0; i < samples.size(); ++i) {
    util::StrAppend(&s, i == 0 ? "" : ", ", samples[i].labels.ToString(), " ",
                    FormatFloatE(samples[i].value));
  }
  return s;
}

std::string AlertTestFailure(std::string_view group_name, std::string_view alertname,
                             absl::Duration eval_time,
                             const std::vector<AlertLabelsAndAnnotations>& exp,
                             const std::vector<AlertLabelsAndAnnotations>& got) {
  const std::string_view indent = "            ";
  std::string s;
  if (!group_name.empty()) s = StrCat("    name: ", group_name, ",\n");
  util::StrAppend(&s, "    alertname: ", alertname, ", time: ", model::DurationToString(eval_time),
                  ", \n        exp:", IndentLines(AlertListString(exp), indent),
                  ", \n        got:", IndentLines(AlertListString(got), indent));
  return s;
}

std::string ExprTestFailure(std::string_view expr, absl::Duration eval_time,
                            const std::vector<ExprSample>& exp,
                            const std::vector<ExprSample>& got) {
  return StrCat("    expr: ", util::QuoteGo(expr), ", time: ", model::DurationToString(eval_time),
                ",\n        exp: ", SampleListString(exp),
                "\n        got: ", SampleListString(got));
}

std::string ExprTestError(std::string_view expr, absl::Duration eval_time, std::string_view error) {
  return StrCat("    expr: ", util::QuoteGo(expr), ", time: ", model::DurationToString(eval_time),
                ", err: ", error);
}

}  // namespace sextant::tool

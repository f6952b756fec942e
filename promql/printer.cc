#include "promql/printer.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "model/duration.h"
#include "model/label_names.h"
#include "util/go_format.h"
#include "util/strings.h"

namespace sextant::promql {
namespace {

constexpr std::string_view kMetricName = "__name__";

std::string Duration(int64_t ms) { return model::DurationToString(absl::Milliseconds(ms)); }

// Label names that are not legal unquoted are quoted, as Prometheus's writeLabels and
// Matcher.String() do.
std::string LabelName(std::string_view name) {
  if (model::IsValidLabelName(name)) return std::string(name);
  return util::QuoteGo(name);
}

void AppendLabels(std::string* out, const std::vector<std::string>& names) {
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out->append(", ");
    out->append(LabelName(names[i]));
  }
}

std::string MatcherString(const model::Matcher& m) {
  return util::StrCat(LabelName(m.name()), model::MatchTypeString(m.type()),
                      util::QuoteGo(m.value()));
}

// " @ 10.000", " @ start()", " @ end()" or "".
void AppendAt(std::string* out, const std::optional<int64_t>& timestamp_ms, AtModifier at) {
  if (timestamp_ms.has_value()) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), " @ %.3f", static_cast<double>(*timestamp_ms) / 1000.0);
    out->append(buf);
  } else if (at == AtModifier::kStart) {
    out->append(" @ start()");
  } else if (at == AtModifier::kEnd) {
    out->append(" @ end()");
  }
}

void AppendOffset(std::string* out, int64_t offset_ms) {
  if (offset_ms > 0) {
    util::StrAppend(out, " offset ", Duration(offset_ms));
  } else if (offset_ms < 0) {
    util::StrAppend(out, " offset -", Duration(-offset_ms));
  }
}

// The selector without its @ and offset.
void AppendSelectorBody(std::string* out, const VectorSelector& vs) {
  std::vector<std::string> matchers;
  for (const model::Matcher& m : vs.matchers) {
    // The matcher the parser adds for the name before the braces is implied by the name.
    if (m.name() == kMetricName && m.type() == model::MatchType::kEqual && m.value() == vs.name &&
        !m.value().empty()) {
      continue;
    }
    matchers.push_back(MatcherString(m));
  }
  out->append(vs.name);
  if (!matchers.empty()) {
    std::sort(matchers.begin(), matchers.end());
    util::StrAppend(out, "{", util::StrJoin(matchers, ","), "}");
  }
}

void AppendMatching(std::string* out, const VectorMatching& vm) {
  const bool grouped = vm.card == VectorMatchCardinality::kManyToOne ||
                       vm.card == VectorMatchCardinality::kOneToMany;
  if (!vm.matching_labels.empty() || vm.on || grouped) {
    out->append(vm.on ? " on (" : " ignoring (");
    AppendLabels(out, vm.matching_labels);
    out->append(")");
  }
  if (grouped) {
    out->append(vm.card == VectorMatchCardinality::kManyToOne ? " group_left (" : " group_right (");
    AppendLabels(out, vm.include);
    out->append(")");
  }
}

void AppendExpr(std::string* out, const Expr& e);

struct Printer {
  std::string* out;

  void operator()(const NumberLiteral& n) const { out->append(FormatNumber(n.value)); }
  void operator()(const StringLiteral& s) const { out->append(util::QuoteGo(s.value)); }
  void operator()(const VectorSelector& vs) const {
    AppendSelectorBody(out, vs);
    AppendAt(out, vs.timestamp_ms, vs.start_or_end);
    AppendOffset(out, vs.original_offset_ms);
  }
  void operator()(const MatrixSelector& ms) const {
    const VectorSelector& vs = *ms.vector_selector;
    AppendSelectorBody(out, vs);
    util::StrAppend(out, "[", Duration(ms.range_ms), "]");
    AppendAt(out, vs.timestamp_ms, vs.start_or_end);
    AppendOffset(out, vs.original_offset_ms);
  }
  void operator()(const SubqueryExpr& sq) const {
    AppendExpr(out, *sq.expr);
    util::StrAppend(out, "[", Duration(sq.range_ms), ":",
                    sq.step_ms != 0 ? Duration(sq.step_ms) : std::string(), "]");
    AppendAt(out, sq.timestamp_ms, sq.start_or_end);
    AppendOffset(out, sq.original_offset_ms);
  }
  void operator()(const ParenExpr& p) const {
    out->append("(");
    AppendExpr(out, *p.expr);
    out->append(")");
  }
  void operator()(const UnaryExpr& u) const {
    out->append(UnaryOpString(u.op));
    AppendExpr(out, *u.expr);
  }
  void operator()(const BinaryExpr& b) const {
    AppendExpr(out, *b.lhs);
    util::StrAppend(out, " ", BinaryOpString(b.op));
    if (b.return_bool) out->append(" bool");
    if (b.matching.has_value()) AppendMatching(out, *b.matching);
    out->append(" ");
    AppendExpr(out, *b.rhs);
  }
  void operator()(const AggregateExpr& a) const {
    out->append(AggregateOpString(a.op));
    if (a.without || !a.grouping.empty()) {
      out->append(a.without ? " without (" : " by (");
      AppendLabels(out, a.grouping);
      out->append(") ");
    }
    out->append("(");
    if (AggregateOpHasParam(a.op) && a.param != nullptr) {
      AppendExpr(out, *a.param);
      out->append(", ");
    }
    AppendExpr(out, *a.expr);
    out->append(")");
  }
  void operator()(const Call& c) const {
    util::StrAppend(out, c.func->name, "(");
    for (size_t i = 0; i < c.args.size(); ++i) {
      if (i > 0) out->append(", ");
      AppendExpr(out, *c.args[i]);
    }
    out->append(")");
  }
};

void AppendExpr(std::string* out, const Expr& e) { Visit(e, Printer{out}); }

}  // namespace

std::string FormatNumber(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  // Go's 'f' with precision -1: the shortest digits that round-trip, laid out without an
  // exponent and padded with zeros (1e23 is "100000000000000000000000", not the exact value
  // that std::to_chars's fixed format would print).
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  const std::string_view sci(buf, res.ptr - buf);
  const size_t e_pos = sci.find('e');
  std::string_view mantissa = sci.substr(0, e_pos);
  int exp = 0;
  std::from_chars(sci.data() + e_pos + 1 + (sci[e_pos + 1] == '+' ? 1 : 0), sci.data() + sci.size(),
                  exp);
  std::string out;
  if (!mantissa.empty() && mantissa.front() == '-') {
    out.push_back('-');
    mantissa.remove_prefix(1);
  }
  std::string digits;
  for (char c : mantissa) {
    if (c != '.') digits.push_back(c);
  }
  // The value is 0.d1d2d3... x 10^(exp+1).
  const int point = exp + 1;
  if (point <= 0) {
    out.append("0.");
    out.append(static_cast<size_t>(-point), '0');
    out.append(digits);
  } else if (static_cast<size_t>(point) >= digits.size()) {
    out.append(digits);
    out.append(static_cast<size_t>(point) - digits.size(), '0');
  } else {
    out.append(digits, 0, point);
    out.push_back('.');
    out.append(digits, point);
  }
  return out;
}

std::string Format(const Expr& expr) {
  std::string out;
  AppendExpr(&out, expr);
  return out;
}

}  // namespace sextant::promql

#include "api/parse_query.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <span>
#include <type_traits>
#include <vector>

#include "api/json_output.h"
#include "util/strings.h"

namespace sextant::api {
namespace {

using promql::AtModifier;
using promql::VectorMatchCardinality;

void AppendString(std::string* out, std::string_view s) { AppendGoJsonString(out, s); }

void AppendStrings(std::string* out, std::span<const std::string> list) {
  out->push_back('[');
  for (size_t i = 0; i < list.size(); ++i) {
    if (i > 0) out->push_back(',');
    AppendString(out, list[i]);
  }
  out->push_back(']');
}

void AppendInt(std::string* out, int64_t v) { util::StrAppend(out, v); }

void AppendBool(std::string* out, bool v) { out->append(v ? "true" : "false"); }

// strconv.FormatFloat(v, 'f', -1, 64).
void AppendFloatF(std::string* out, double v) {
  if (std::isnan(v)) {
    out->append("NaN");
  } else if (std::isinf(v)) {
    out->append(v > 0 ? "+Inf" : "-Inf");
  } else {
    char buf[400];  // the longest fixed form of a double is ~330 characters
    auto r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed);
    out->append(buf, r.ptr);
  }
}

void AppendTimestamp(std::string* out, const std::optional<int64_t>& ts) {
  if (ts.has_value()) {
    AppendInt(out, *ts);
  } else {
    out->append("null");
  }
}

void AppendStartOrEnd(std::string* out, AtModifier m) {
  switch (m) {
    case AtModifier::kNone:
      out->append("null");
      break;
    case AtModifier::kStart:
      out->append("\"start\"");
      break;
    case AtModifier::kEnd:
      out->append("\"end\"");
      break;
  }
}

void AppendMatchers(std::string* out, const promql::VectorSelector& vs) {
  // Prometheus appends the matcher implied by the metric name; Sextant's parser puts it first.
  std::vector<const model::Matcher*> ordered;
  for (const model::Matcher& m : vs.matchers) ordered.push_back(&m);
  if (!vs.name.empty() && !ordered.empty()) {
    std::rotate(ordered.begin(), ordered.begin() + 1, ordered.end());
  }
  out->push_back('[');
  for (size_t i = 0; i < ordered.size(); ++i) {
    if (i > 0) out->push_back(',');
    out->append("{\"name\":");
    AppendString(out, ordered[i]->name());
    out->append(",\"type\":");
    AppendString(out, model::MatchTypeString(ordered[i]->type()));
    out->append(",\"value\":");
    AppendString(out, ordered[i]->value());
    out->push_back('}');
  }
  out->push_back(']');
}

std::string_view CardinalityString(VectorMatchCardinality c) {
  switch (c) {
    case VectorMatchCardinality::kOneToOne:
      return "one-to-one";
    case VectorMatchCardinality::kManyToOne:
      return "many-to-one";
    case VectorMatchCardinality::kOneToMany:
      return "one-to-many";
    case VectorMatchCardinality::kManyToMany:
      break;
  }
  return "many-to-many";
}

void AppendNode(std::string* out, const promql::Expr* e);

void AppendAggregate(std::string* out, const promql::AggregateExpr& n) {
  out->append("{\"expr\":");
  AppendNode(out, n.expr.get());
  out->append(",\"grouping\":");
  AppendStrings(out, n.grouping);
  out->append(",\"op\":");
  AppendString(out, promql::AggregateOpString(n.op));
  out->append(",\"param\":");
  AppendNode(out, n.param.get());
  out->append(",\"type\":\"aggregation\",\"without\":");
  AppendBool(out, n.without);
  out->push_back('}');
}

void AppendBinary(std::string* out, const promql::BinaryExpr& n) {
  out->append("{\"bool\":");
  AppendBool(out, n.return_bool);
  out->append(",\"lhs\":");
  AppendNode(out, n.lhs.get());
  out->append(",\"matching\":");
  if (n.matching.has_value()) {
    const promql::VectorMatching& m = *n.matching;
    out->append("{\"card\":");
    AppendString(out, CardinalityString(m.card));
    out->append(",\"fillValues\":{\"lhs\":null,\"rhs\":null},\"include\":");
    AppendStrings(out, m.include);
    out->append(",\"labels\":");
    AppendStrings(out, m.matching_labels);
    out->append(",\"on\":");
    AppendBool(out, m.on);
    out->push_back('}');
  } else {
    out->append("null");
  }
  out->append(",\"op\":");
  AppendString(out, promql::BinaryOpString(n.op));
  out->append(",\"rhs\":");
  AppendNode(out, n.rhs.get());
  out->append(",\"type\":\"binaryExpr\"}");
}

void AppendCall(std::string* out, const promql::Call& n) {
  out->append("{\"args\":[");
  for (size_t i = 0; i < n.args.size(); ++i) {
    if (i > 0) out->push_back(',');
    AppendNode(out, n.args[i].get());
  }
  out->append("],\"func\":{\"argTypes\":[");
  for (size_t i = 0; i < n.func->arg_types.size(); ++i) {
    if (i > 0) out->push_back(',');
    AppendString(out, promql::ValueTypeName(n.func->arg_types[i]));
  }
  out->append("],\"name\":");
  AppendString(out, n.func->name);
  out->append(",\"returnType\":");
  AppendString(out, promql::ValueTypeName(n.func->return_type));
  out->append(",\"variadic\":");
  AppendInt(out, n.func->variadic);
  out->append("},\"type\":\"call\"}");
}

// The fields a vector selector and a matrix selector share, from "matchers" to "offsetExpr".
void AppendSelectorMiddle(std::string* out, const promql::VectorSelector& vs) {
  out->append(",\"matchers\":");
  AppendMatchers(out, vs);
  out->append(",\"name\":");
  AppendString(out, vs.name);
  out->append(",\"offset\":");
  AppendInt(out, vs.original_offset_ms);
  out->append(",\"offsetExpr\":null");
}

void AppendMatrixSelector(std::string* out, const promql::MatrixSelector& n) {
  const promql::VectorSelector& vs = *n.vector_selector;
  out->append("{\"anchored\":false");
  AppendSelectorMiddle(out, vs);
  out->append(",\"range\":");
  AppendInt(out, n.range_ms);
  out->append(",\"rangeExpr\":null,\"smoothed\":false,\"startOrEnd\":");
  AppendStartOrEnd(out, vs.start_or_end);
  out->append(",\"timestamp\":");
  AppendTimestamp(out, vs.timestamp_ms);
  out->append(",\"type\":\"matrixSelector\"}");
}

void AppendVectorSelector(std::string* out, const promql::VectorSelector& vs) {
  out->append("{\"anchored\":false");
  AppendSelectorMiddle(out, vs);
  out->append(",\"smoothed\":false,\"startOrEnd\":");
  AppendStartOrEnd(out, vs.start_or_end);
  out->append(",\"timestamp\":");
  AppendTimestamp(out, vs.timestamp_ms);
  out->append(",\"type\":\"vectorSelector\"}");
}

void AppendSubquery(std::string* out, const promql::SubqueryExpr& n) {
  out->append("{\"expr\":");
  AppendNode(out, n.expr.get());
  out->append(",\"offset\":");
  AppendInt(out, n.original_offset_ms);
  out->append(",\"offsetExpr\":null,\"range\":");
  AppendInt(out, n.range_ms);
  out->append(",\"rangeExpr\":null,\"startOrEnd\":");
  AppendStartOrEnd(out, n.start_or_end);
  out->append(",\"step\":");
  AppendInt(out, n.step_ms);
  out->append(",\"stepExpr\":null,\"timestamp\":");
  AppendTimestamp(out, n.timestamp_ms);
  out->append(",\"type\":\"subquery\"}");
}

void AppendNode(std::string* out, const promql::Expr* e) {
  if (e == nullptr) {
    out->append("null");
    return;
  }
  promql::Visit(*e, [out](const auto& n) {
    using T = std::decay_t<decltype(n)>;
    if constexpr (std::is_same_v<T, promql::AggregateExpr>) {
      AppendAggregate(out, n);
    } else if constexpr (std::is_same_v<T, promql::BinaryExpr>) {
      AppendBinary(out, n);
    } else if constexpr (std::is_same_v<T, promql::Call>) {
      AppendCall(out, n);
    } else if constexpr (std::is_same_v<T, promql::MatrixSelector>) {
      AppendMatrixSelector(out, n);
    } else if constexpr (std::is_same_v<T, promql::SubqueryExpr>) {
      AppendSubquery(out, n);
    } else if constexpr (std::is_same_v<T, promql::NumberLiteral>) {
      out->append("{\"type\":\"numberLiteral\",\"val\":\"");
      AppendFloatF(out, n.value);
      out->append("\"}");
    } else if constexpr (std::is_same_v<T, promql::ParenExpr>) {
      out->append("{\"expr\":");
      AppendNode(out, n.expr.get());
      out->append(",\"type\":\"parenExpr\"}");
    } else if constexpr (std::is_same_v<T, promql::StringLiteral>) {
      out->append("{\"type\":\"stringLiteral\",\"val\":");
      AppendString(out, n.value);
      out->push_back('}');
    } else if constexpr (std::is_same_v<T, promql::UnaryExpr>) {
      out->append("{\"expr\":");
      AppendNode(out, n.expr.get());
      out->append(",\"op\":");
      AppendString(out, promql::UnaryOpString(n.op));
      out->append(",\"type\":\"unaryExpr\"}");
    } else {
      static_assert(std::is_same_v<T, promql::VectorSelector>);
      AppendVectorSelector(out, n);
    }
  });
}

}  // namespace

std::string ParseQueryJson(const promql::Expr& expr) {
  std::string out;
  AppendNode(&out, &expr);
  return out;
}

}  // namespace sextant::api

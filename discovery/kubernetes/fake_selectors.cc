#include "discovery/kubernetes/fake_selectors.h"

#include <utility>

#include "util/strings.h"

namespace sextant::discovery::kubernetes::testing::internal {

using nlohmann::json;

// obj[a][b] when it is a string.
std::optional<std::string> OptionalStringAt(const json& obj, const char* a, const char* b) {
  if (!obj.is_object()) return std::nullopt;
  auto outer = obj.find(a);
  if (outer == obj.end() || !outer->is_object()) return std::nullopt;
  auto inner = outer->find(b);
  if (inner == outer->end() || !inner->is_string()) return std::nullopt;
  return inner->get<std::string>();
}

std::string StringAt(const json& obj, const char* a, const char* b) {
  return OptionalStringAt(obj, a, b).value_or("");
}

namespace {

std::string_view Strip(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

bool ConsumePrefix(std::string_view* s, std::string_view prefix) {
  if (!s->starts_with(prefix)) return false;
  s->remove_prefix(prefix.size());
  return true;
}

bool ConsumeSuffix(std::string_view* s, std::string_view suffix) {
  if (!s->ends_with(suffix)) return false;
  s->remove_suffix(suffix.size());
  return true;
}

// Splits at the commas outside parentheses; the parts are stripped of whitespace.
std::vector<std::string_view> SplitRequirements(std::string_view s) {
  std::vector<std::string_view> parts;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || (s[i] == ',' && depth == 0)) {
      parts.push_back(Strip(s.substr(start, i - start)));
      start = i + 1;
    } else if (s[i] == '(') {
      ++depth;
    } else if (s[i] == ')') {
      --depth;
    }
  }
  return parts;
}

bool IsLabelValue(std::string_view v) { return v.find_first_of(" \t(),=!") == v.npos; }

absl::StatusOr<LabelRequirement> ParseLabelRequirement(std::string_view r) {
  using Op = LabelRequirement::Op;
  const auto bad = [&] {
    return absl::InvalidArgumentError(util::StrCat("bad label selector: ", r));
  };
  LabelRequirement req;
  if (ConsumePrefix(&r, "!")) {
    req.op = Op::kNotExists;
    req.key = std::string(Strip(r));
    if (req.key.empty() || !IsLabelValue(req.key)) return bad();
    return req;
  }
  const size_t end = std::min(r.find_first_of(" \t=!(),"), r.size());
  req.key = std::string(r.substr(0, end));
  if (req.key.empty()) return bad();
  std::string_view rest = Strip(r.substr(end));
  if (rest.empty()) {
    req.op = Op::kExists;
    return req;
  }
  if (ConsumePrefix(&rest, "==") || ConsumePrefix(&rest, "=")) {
    req.op = Op::kEq;
  } else if (ConsumePrefix(&rest, "!=")) {
    req.op = Op::kNe;
  } else if (ConsumePrefix(&rest, "notin")) {
    req.op = Op::kNotIn;
  } else if (ConsumePrefix(&rest, "in")) {
    req.op = Op::kIn;
  } else {
    return bad();
  }
  rest = Strip(rest);
  if (req.op == Op::kEq || req.op == Op::kNe) {
    if (!IsLabelValue(rest)) return bad();
    req.values.emplace_back(rest);
    return req;
  }
  if (!ConsumePrefix(&rest, "(") || !ConsumeSuffix(&rest, ")")) return bad();
  for (std::string_view v : util::StrSplit(rest, ',')) {
    v = Strip(v);
    if (!IsLabelValue(v)) return bad();
    req.values.emplace_back(v);
  }
  return req;
}

absl::StatusOr<FieldRequirement> ParseFieldRequirement(std::string_view r) {
  FieldRequirement req;
  size_t op_at = r.find("!=");
  size_t op_len = 2;
  req.equal = op_at == r.npos;
  if (req.equal) {
    op_at = r.find("==");
    if (op_at == r.npos) {
      op_at = r.find('=');
      op_len = 1;
    }
  }
  if (op_at == r.npos) return absl::InvalidArgumentError(util::StrCat("bad field selector: ", r));
  req.field = std::string(Strip(r.substr(0, op_at)));
  req.value = std::string(Strip(r.substr(op_at + op_len)));
  if (req.field != "metadata.name" && req.field != "metadata.namespace" &&
      req.field != "spec.nodeName") {
    return absl::InvalidArgumentError(util::StrCat("field label not supported: ", req.field));
  }
  return req;
}

}  // namespace

absl::StatusOr<Selector> ParseSelector(std::string_view labels, std::string_view fields) {
  Selector selector;
  if (!Strip(labels).empty()) {
    for (std::string_view part : SplitRequirements(labels)) {
      absl::StatusOr<LabelRequirement> r = ParseLabelRequirement(part);
      if (!r.ok()) return r.status();
      selector.labels.push_back(*std::move(r));
    }
  }
  if (!Strip(fields).empty()) {
    for (std::string_view part : SplitRequirements(fields)) {
      absl::StatusOr<FieldRequirement> r = ParseFieldRequirement(part);
      if (!r.ok()) return r.status();
      selector.fields.push_back(*std::move(r));
    }
  }
  return selector;
}

namespace {

bool LabelMatches(const LabelRequirement& req, const json& obj) {
  using Op = LabelRequirement::Op;
  std::optional<std::string> value;
  if (obj.is_object()) {
    if (auto metadata = obj.find("metadata"); metadata != obj.end()) {
      value = OptionalStringAt(*metadata, "labels", req.key.c_str());
    }
  }
  const auto in_values = [&] {
    return std::find(req.values.begin(), req.values.end(), *value) != req.values.end();
  };
  switch (req.op) {
    case Op::kEq:
      return value && *value == req.values[0];
    case Op::kNe:
      return !value || *value != req.values[0];
    case Op::kExists:
      return value.has_value();
    case Op::kNotExists:
      return !value;
    case Op::kIn:
      return value && in_values();
    case Op::kNotIn:
      return !value || !in_values();
  }
  return false;
}

bool FieldMatches(const FieldRequirement& req, const json& obj) {
  const size_t dot = req.field.find('.');
  const std::string outer = req.field.substr(0, dot);
  const std::string inner = req.field.substr(dot + 1);
  return (StringAt(obj, outer.c_str(), inner.c_str()) == req.value) == req.equal;
}

}  // namespace

bool InScope(std::string_view ns, const Selector& selector, const json& obj) {
  if (!ns.empty() && StringAt(obj, "metadata", "namespace") != ns) return false;
  for (const LabelRequirement& r : selector.labels) {
    if (!LabelMatches(r, obj)) return false;
  }
  for (const FieldRequirement& r : selector.fields) {
    if (!FieldMatches(r, obj)) return false;
  }
  return true;
}

}  // namespace sextant::discovery::kubernetes::testing::internal

#include "rules/rule_file_decode.h"

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <regex>
#include <utility>

#include "model/duration.h"
#include "util/go_format.h"
#include "util/go_parse_int.h"
#include "util/strings.h"
#include "yaml-cpp/yaml.h"

namespace sextant::rules::internal {
namespace {

using util::StrCat;

// Where the decoder stopped: yaml.v3 collects type errors and keeps going, but an error from a
// custom unmarshaler (model.Duration's) aborts the whole decode with that error alone.
struct Abort {
  std::string message;
};

NodePos PosOf(const YAML::Node& node) {
  const YAML::Mark m = node.Mark();
  if (m.is_null()) return {};
  return {m.line + 1, m.column + 1};
}

int LineOf(const YAML::Node& node) { return PosOf(node).line; }

bool IsAbsent(const YAML::Node& node) { return !node.IsDefined() || node.IsNull(); }

// What yaml.v3's resolver makes of a scalar: its short tag and, for numbers, the value.
struct Resolved {
  std::string tag;  // "!!str", "!!int", "!!float", "!!bool", "!!null"
  std::optional<int64_t> int_value;
  bool uint_only = false;  // an integer above int64's range
  double float_value = 0;
};

Resolved Resolve(const YAML::Node& node) {
  const std::string& tag = node.Tag();
  constexpr std::string_view kCore = "tag:yaml.org,2002:";
  if (tag.starts_with(kCore)) return {StrCat("!!", tag.substr(kCore.size()))};
  if (tag == "!" || (!tag.empty() && tag != "?")) return {"!!str"};  // quoted, block or custom
  const std::string& s = node.Scalar();
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return {"!!null"};
  static const char* const kBools[] = {"true", "True", "TRUE", "false", "False", "FALSE"};
  for (const char* b : kBools) {
    if (s == b) return {"!!bool"};
  }
  const char c = s[0];
  if (!(c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9'))) return {"!!str"};
  std::string plain;
  for (char ch : s) {
    if (ch != '_') plain.push_back(ch);
  }
  int64_t i;
  uint64_t u;
  if (util::ParseGoInt(plain, &i)) return {"!!int", i};
  if (util::ParseGoUint(plain, &u)) return {"!!int", std::nullopt, true};
  static const std::regex kFloat(R"(^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$)");
  if (std::regex_match(plain, kFloat))
    return {"!!float", std::nullopt, false, std::strtod(plain.c_str(), nullptr)};
  static const char* const kSpecial[] = {".inf",  ".Inf",  ".INF",  "+.inf", "+.Inf", "+.INF",
                                         "-.inf", "-.Inf", "-.INF", ".nan",  ".NaN",  ".NAN"};
  for (const char* f : kSpecial) {
    if (s == f) return {"!!float", std::nullopt, false, std::nan("")};
  }
  return {"!!str"};
}

// yaml.v3's short tag of any node, for type errors.
std::string ShortTag(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "!!map";
    case YAML::NodeType::Sequence:
      return "!!seq";
    case YAML::NodeType::Null:
      return "!!null";
    default:
      return Resolve(node).tag;
  }
}

class Decoder {
 public:
  explicit Decoder(bool ignore_unknown_fields) : ignore_unknown_fields_(ignore_unknown_fields) {}

  // Decodes the document into `out`; throws Abort.
  void File(const YAML::Node& root, std::vector<DecodedGroup>* out);

  // The lenient second decode into ruleGroups{Groups []yaml.Node}.
  void Shape(const YAML::Node& root);

  const std::vector<std::string>& type_errors() const { return type_errors_; }

 private:
  using FieldFn = std::function<void(const YAML::Node& value)>;

  // yaml.v3's d.terror: `line N: cannot unmarshal !!str `abc` into int`.
  void TypeError(const YAML::Node& node, std::string_view go_type);
  // A struct: repeated keys first (then nothing else is decoded), then each key in document
  // order through `fields`, unknown keys reported against `go_type`. Returns false when the node
  // is not a mapping (after reporting it).
  bool Struct(const YAML::Node& node, std::string_view go_type,
              const std::map<std::string, FieldFn, std::less<>>& fields);
  // The key/value pairs of a mapping with YAML merge keys (<<) expanded, explicit keys first.
  std::vector<std::pair<YAML::Node, YAML::Node>> Entries(const YAML::Node& node);
  // Reports repeated keys; true when there were some.
  bool RepeatedKeys(const std::vector<std::pair<YAML::Node, YAML::Node>>& entries);

  void String(const YAML::Node& node, std::string* out);
  void Int(const YAML::Node& node, int64_t* out);
  // model.Duration: any scalar as a string, then Prometheus's duration syntax (Abort if bad).
  void Duration(const YAML::Node& node, std::optional<absl::Duration>* out);
  void StringMap(const YAML::Node& node, model::Labels* out);
  void Group(const YAML::Node& node, DecodedGroup* out);
  void Rule(const YAML::Node& node, DecodedRule* out);

  bool ignore_unknown_fields_;
  std::vector<std::string> type_errors_;
};

void Decoder::TypeError(const YAML::Node& node, std::string_view go_type) {
  const std::string tag = ShortTag(node);
  std::string value;
  if (tag != "!!seq" && tag != "!!map") {
    const std::string& v = node.Scalar();
    value = v.size() > 10 ? StrCat(" `", v.substr(0, 7), "...`") : StrCat(" `", v, "`");
  }
  type_errors_.push_back(
      StrCat("line ", LineOf(node), ": cannot unmarshal ", tag, value, " into ", go_type));
}

std::vector<std::pair<YAML::Node, YAML::Node>> Decoder::Entries(const YAML::Node& node) {
  std::vector<std::pair<YAML::Node, YAML::Node>> entries;
  std::vector<YAML::Node> merges;
  for (const auto& kv : node) {
    if (kv.first.IsScalar() && kv.first.Scalar() == "<<" && kv.first.Tag() != "!") {
      if (kv.second.IsSequence()) {
        for (const auto& m : kv.second) merges.push_back(m);
      } else {
        merges.push_back(kv.second);
      }
      continue;
    }
    entries.emplace_back(kv.first, kv.second);
  }
  for (const YAML::Node& m : merges) {
    if (!m.IsMap()) {
      throw Abort{StrCat("yaml: line ", LineOf(m),
                         ": map merge requires map or sequence of maps as the value")};
    }
    for (const auto& kv : m) {
      bool explicit_key = false;
      for (const auto& e : entries) explicit_key |= e.first.Scalar() == kv.first.Scalar();
      if (!explicit_key) entries.emplace_back(kv.first, kv.second);
    }
  }
  return entries;
}

bool Decoder::RepeatedKeys(const std::vector<std::pair<YAML::Node, YAML::Node>>& entries) {
  bool repeated = false;
  for (size_t i = 0; i < entries.size(); ++i) {
    for (size_t j = i + 1; j < entries.size(); ++j) {
      const YAML::Node& a = entries[i].first;
      const YAML::Node& b = entries[j].first;
      if (a.IsScalar() && b.IsScalar() && a.Scalar() == b.Scalar()) {
        type_errors_.push_back(StrCat("line ", LineOf(b), ": mapping key ",
                                      util::QuoteGo(b.Scalar()), " already defined at line ",
                                      LineOf(a)));
        repeated = true;
      }
    }
  }
  return repeated;
}

bool Decoder::Struct(const YAML::Node& node, std::string_view go_type,
                     const std::map<std::string, FieldFn, std::less<>>& fields) {
  if (!node.IsMap()) {
    TypeError(node, go_type);
    return false;
  }
  const auto entries = Entries(node);
  if (RepeatedKeys(entries)) return true;
  for (const auto& [key, value] : entries) {
    const std::string name = key.IsScalar() ? key.Scalar() : "";
    auto it = fields.find(name);
    if (it == fields.end()) {
      if (!ignore_unknown_fields_) {
        type_errors_.push_back(
            StrCat("line ", LineOf(key), ": field ", name, " not found in type ", go_type));
      }
      continue;
    }
    it->second(value);
  }
  return true;
}

void Decoder::String(const YAML::Node& node, std::string* out) {
  if (IsAbsent(node)) {
    out->clear();
    return;
  }
  if (!node.IsScalar()) {
    TypeError(node, "string");
    return;
  }
  *out = node.Scalar();
}

void Decoder::Int(const YAML::Node& node, int64_t* out) {
  if (IsAbsent(node)) {
    *out = 0;
    return;
  }
  if (!node.IsScalar()) {
    TypeError(node, "int");
    return;
  }
  const Resolved r = Resolve(node);
  if (r.tag == "!!null") {
    *out = 0;
  } else if (r.tag == "!!int" && r.int_value.has_value()) {
    *out = *r.int_value;
  } else if (r.tag == "!!float" && r.float_value <= 9223372036854775807.0 &&
             r.float_value >= -9223372036854775808.0) {
    *out = static_cast<int64_t>(r.float_value);  // yaml.v3 truncates floats into ints
  } else {
    TypeError(node, "int");
  }
}

void Decoder::Duration(const YAML::Node& node, std::optional<absl::Duration>* out) {
  if (IsAbsent(node)) return;  // yaml.v3 skips unmarshalers for null
  if (!node.IsScalar()) {
    TypeError(node, "string");
    return;
  }
  auto d = model::ParseDuration(node.Scalar());
  if (!d.ok()) throw Abort{std::string(util::FromAbsl(d.status().message()))};
  *out = *d;
}

void Decoder::StringMap(const YAML::Node& node, model::Labels* out) {
  if (IsAbsent(node)) return;
  if (!node.IsMap()) {
    TypeError(node, "map[string]string");
    return;
  }
  const auto entries = Entries(node);
  if (RepeatedKeys(entries)) return;
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& [key, value] : entries) {
    std::string name, text;
    if (!key.IsScalar() && !IsAbsent(key)) {
      TypeError(key, "string");
      continue;
    }
    if (key.IsScalar()) name = key.Scalar();
    if (!IsAbsent(value) && !value.IsScalar()) {
      TypeError(value, "string");
      continue;
    }
    if (value.IsScalar()) text = value.Scalar();
    pairs.emplace_back(std::move(name), std::move(text));
  }
  *out = model::Labels::FromPairs(pairs);
}

void Decoder::Rule(const YAML::Node& node, DecodedRule* out) {
  out->rule.line = PosOf(node).line;
  // Prometheus 2.42 decodes record, alert and expr as yaml.Node, so any node passes decoding;
  // 3.x decodes them as strings, which is what Sextant does (a type error for non-scalars).
  auto string_node = [this](std::string* s, NodePos* pos) {
    return [this, s, pos](const YAML::Node& v) {
      *pos = PosOf(v);
      String(v, s);
    };
  };
  auto duration = [this](absl::Duration* d) {
    return [this, d](const YAML::Node& v) {
      std::optional<absl::Duration> parsed;
      Duration(v, &parsed);
      *d = parsed.value_or(absl::ZeroDuration());
    };
  };
  RuleNode& r = out->rule;
  Struct(node, "rulefmt.RuleNode",
         {{"record", string_node(&r.record, &out->record_pos)},
          {"alert", string_node(&r.alert, &out->alert_pos)},
          {"expr", string_node(&r.expr, &out->expr_pos)},
          {"for", duration(&r.for_duration)},
          {"keep_firing_for", duration(&r.keep_firing_for)},
          {"labels", [&](const YAML::Node& v) { StringMap(v, &r.labels); }},
          {"annotations", [&](const YAML::Node& v) { StringMap(v, &r.annotations); }}});
}

void Decoder::Group(const YAML::Node& node, DecodedGroup* out) {
  out->pos = PosOf(node);
  RuleGroup& g = out->group;
  Struct(node, "rulefmt.RuleGroup",
         {{"name", [&](const YAML::Node& v) { String(v, &g.name); }},
          {"interval",
           [&](const YAML::Node& v) {
             Duration(v, &g.interval);
             if (g.interval == absl::ZeroDuration()) g.interval.reset();
           }},
          {"query_offset", [&](const YAML::Node& v) { Duration(v, &g.query_offset); }},
          {"limit", [&](const YAML::Node& v) { Int(v, &g.limit); }},
          {"labels", [&](const YAML::Node& v) { StringMap(v, &g.labels); }},
          {"rules", [&](const YAML::Node& v) {
             if (IsAbsent(v)) return;
             if (!v.IsSequence()) {
               TypeError(v, "[]rulefmt.RuleNode");
               return;
             }
             for (const YAML::Node& item : v) {
               if (!IsAbsent(item)) Rule(item, &out->rules.emplace_back());  // yaml.v3 drops nulls
             }
           }}});
}

void Decoder::File(const YAML::Node& root, std::vector<DecodedGroup>* out) {
  if (IsAbsent(root)) return;
  Struct(root, "rulefmt.RuleGroups", {{"groups", [&](const YAML::Node& v) {
                                         if (IsAbsent(v)) return;
                                         if (!v.IsSequence()) {
                                           TypeError(v, "[]rulefmt.RuleGroup");
                                           return;
                                         }
                                         for (const YAML::Node& item : v) {
                                           // yaml.v3 drops null elements of a sequence.
                                           if (!IsAbsent(item)) Group(item, &out->emplace_back());
                                         }
                                       }}});
}

void Decoder::Shape(const YAML::Node& root) {
  if (IsAbsent(root)) return;
  Struct(root, "rulefmt.ruleGroups", {{"groups", [&](const YAML::Node& v) {
                                         if (!IsAbsent(v) && !v.IsSequence()) {
                                           TypeError(v, "[]yaml.Node");
                                         }
                                       }}});
}

std::string UnmarshalErrors(const std::vector<std::string>& errors) {
  return StrCat("yaml: unmarshal errors:\n  ", util::StrJoin(errors, "\n  "));
}

// Prometheus decodes the file a second time, leniently, into groups of yaml.Node (to find their
// positions); only the outer shape can fail there, and its errors are reported as well.
std::vector<std::string> SecondPassErrors(const YAML::Node& root) {
  Decoder d(/*ignore_unknown_fields=*/true);
  try {
    d.Shape(root);
  } catch (const Abort&) {
    return {};  // already reported by the first pass
  }
  if (d.type_errors().empty()) return {};
  return {UnmarshalErrors(d.type_errors())};
}

}  // namespace

DecodedFile DecodeRuleFile(std::string_view content, bool ignore_unknown_fields) {
  DecodedFile file;
  YAML::Node root;
  try {
    root = YAML::Load(std::string(content));
  } catch (const YAML::Exception& e) {
    // Go's parser words its syntax errors differently; the line is the useful part.
    file.errors.push_back(StrCat("yaml: line ", e.mark.line + 1, ": ", e.msg));
    return file;
  }
  Decoder decoder(ignore_unknown_fields);
  try {
    decoder.File(root, &file.groups);
    if (!decoder.type_errors().empty()) {
      file.errors.push_back(UnmarshalErrors(decoder.type_errors()));
    }
  } catch (const Abort& abort) {
    file.errors.push_back(abort.message);
  } catch (const YAML::Exception& e) {
    file.errors.push_back(StrCat("yaml: line ", e.mark.line + 1, ": ", e.msg));
  }
  for (std::string& e : SecondPassErrors(root)) file.errors.push_back(std::move(e));
  return file;
}

}  // namespace sextant::rules::internal

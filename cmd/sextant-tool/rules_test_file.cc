#include "cmd/sextant-tool/rules_test_file.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <limits>
#include <optional>
#include <regex>
#include <set>
#include <utility>

#include "absl/status/status.h"
#include "model/duration.h"
#include "util/go_format.h"
#include "util/go_parse_int.h"
#include "util/strings.h"
#include "yaml-cpp/yaml.h"

namespace sextant::tool {
namespace {

using util::StrCat;

// What yaml.v2 resolves a scalar to.
enum class Kind { kNull, kBool, kInt, kFloat, kStr };

struct Resolved {
  Kind kind = Kind::kStr;
  double number = 0;  // kInt, kFloat
  bool boolean = false;
};

// strconv.ParseInt, else ParseUint, with base 0, as a double (yaml.v2 tries both).
bool ParseGoInt(std::string_view s, double* out) {
  int64_t i = 0;
  uint64_t u = 0;
  if (util::ParseGoInt(s, &i)) {
    *out = static_cast<double>(i);
  } else if (util::ParseGoUint(s, &u)) {
    *out = static_cast<double>(u);
  } else {
    return false;
  }
  return true;
}

// yaml.v2's resolve() for an untagged plain scalar.
Resolved ResolvePlain(const std::string& in) {
  static const std::set<std::string, std::less<>> kNull = {"", "~", "null", "Null", "NULL"};
  static const std::set<std::string, std::less<>> kTrue = {"y",  "Y",  "yes",  "Yes",  "YES", "on",
                                                           "On", "ON", "true", "True", "TRUE"};
  static const std::set<std::string, std::less<>> kFalse = {
      "n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE"};
  if (kNull.contains(in)) return {Kind::kNull};
  if (kTrue.contains(in)) return {Kind::kBool, 0, true};
  if (kFalse.contains(in)) return {Kind::kBool, 0, false};
  for (std::string_view inf : {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"}) {
    if (in == inf) return {Kind::kFloat, std::numeric_limits<double>::infinity()};
  }
  for (std::string_view inf : {"-.inf", "-.Inf", "-.INF"}) {
    if (in == inf) return {Kind::kFloat, -std::numeric_limits<double>::infinity()};
  }
  for (std::string_view nan : {".nan", ".NaN", ".NAN"}) {
    if (in == nan) return {Kind::kFloat, std::numeric_limits<double>::quiet_NaN()};
  }
  const char c = in[0];
  if (!((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')) return {Kind::kStr};
  std::string plain;
  for (char ch : in) {
    if (ch != '_') plain.push_back(ch);
  }
  Resolved r{Kind::kInt};
  if (ParseGoInt(plain, &r.number)) return r;
  static const std::regex kFloat(R"(^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$)");
  if (std::regex_match(plain, kFloat)) {
    errno = 0;
    const double v = std::strtod(plain.c_str(), nullptr);
    // Go's ParseFloat fails on overflow; yaml.v2 then keeps the scalar as a string.
    if (errno != ERANGE || std::abs(v) < 1) return {Kind::kFloat, v};
  }
  return {Kind::kStr};
}

Resolved Resolve(const YAML::Node& n) {
  if (n.IsNull()) return {Kind::kNull};
  if (!n.IsScalar()) return {Kind::kStr};
  const std::string& tag = n.Tag();
  if (tag == "!" || tag == "tag:yaml.org,2002:str") return {Kind::kStr};  // quoted or !!str
  return ResolvePlain(n.Scalar());
}

std::string_view KindTag(Kind k) {
  switch (k) {
    case Kind::kNull:
      return "!!null";
    case Kind::kBool:
      return "!!bool";
    case Kind::kInt:
      return "!!int";
    case Kind::kFloat:
      return "!!float";
    case Kind::kStr:
      break;
  }
  return "!!str";
}

// A struct's field decoders, by YAML key, in declaration order.
using Fields = std::vector<std::pair<std::string_view, std::function<void(const YAML::Node&)>>>;

// Decodes as yaml.v2 in strict mode: type errors are collected and decoding goes on; a failing
// custom unmarshaler (a duration) stops everything.
class Decoder {
 public:
  bool stopped() const { return fatal_.has_value(); }

  absl::Status Result() const {
    if (fatal_) return absl::InvalidArgumentError(util::ToAbsl(*fatal_));
    if (errors_.empty()) return absl::OkStatus();
    std::string text = "yaml: unmarshal errors:";
    for (const std::string& e : errors_) util::StrAppend(&text, "\n  ", e);
    return absl::InvalidArgumentError(util::ToAbsl(text));
  }

  // yaml.v2's d.terror: the value is shown for scalars only, shortened to 7 bytes past 10.
  void TypeError(const YAML::Node& n, std::string_view into) {
    std::string what;
    if (n.IsMap()) {
      what = "!!map";
    } else if (n.IsSequence()) {
      what = "!!seq";
    } else {
      std::string value = n.Scalar();
      if (value.size() > 10) value = value.substr(0, 7) + "...";
      what = StrCat(KindTag(Resolve(n).kind), " `", value, "`");
    }
    errors_.push_back(StrCat("line ", Line(n), ": cannot unmarshal ", what, " into ", into));
  }

  bool String(const YAML::Node& n, std::string* out) {
    if (stopped()) return false;
    if (n.IsNull()) {
      out->clear();
      return true;
    }
    if (!n.IsScalar()) {
      TypeError(n, "string");
      return false;
    }
    *out = n.Scalar();
    return true;
  }

  void Float(const YAML::Node& n, double* out) {
    if (stopped()) return;
    const Resolved r = Resolve(n);
    if (n.IsScalar() && (r.kind == Kind::kInt || r.kind == Kind::kFloat)) {
      *out = r.number;
    } else if (r.kind == Kind::kNull) {
      *out = 0;
    } else {
      TypeError(n, "float64");
    }
  }

  void Bool(const YAML::Node& n, bool* out) {
    if (stopped()) return;
    const Resolved r = Resolve(n);
    if (n.IsScalar() && r.kind == Kind::kBool) {
      *out = r.boolean;
    } else if (r.kind == Kind::kNull) {
      *out = false;
    } else {
      TypeError(n, "bool");
    }
  }

  // model.Duration's UnmarshalYAML: a string, then ParseDuration (whose error stops decoding).
  // A null leaves the zero value without calling the unmarshaler.
  void Duration(const YAML::Node& n, absl::Duration* out) {
    if (stopped() || n.IsNull()) return;
    std::string text;
    if (!String(n, &text)) return;
    absl::StatusOr<absl::Duration> d = model::ParseDuration(text);
    if (!d.ok()) {
      fatal_ = std::string(util::FromAbsl(d.status().message()));
      return;
    }
    *out = *d;
  }

  void StringList(const YAML::Node& n, std::vector<std::string>* out) {
    Sequence(n, "[]string", [&](const YAML::Node& item) {
      std::string s;
      if (String(item, &s)) out->push_back(std::move(s));
    });
  }

  // map[string]string: a repeated key keeps its first value and is an error (strict mode).
  void StringMap(const YAML::Node& n, std::map<std::string, std::string>* out) {
    if (stopped() || n.IsNull()) return;
    if (!n.IsMap()) {
      TypeError(n, "map[string]string");
      return;
    }
    for (const auto& kv : n) {
      std::string key, value;
      if (!String(kv.first, &key) || !String(kv.second, &value)) continue;
      if (out->contains(key)) {
        errors_.push_back(
            StrCat("line ", Line(kv.second), ": key ", util::QuoteGo(key), " already set in map"));
        continue;
      }
      out->emplace(std::move(key), std::move(value));
    }
  }

  // A slice whose Go type is `type_name`; `item` decodes each element.
  void Sequence(const YAML::Node& n, std::string_view type_name,
                const std::function<void(const YAML::Node&)>& item) {
    if (stopped() || n.IsNull()) return;
    if (!n.IsSequence()) {
      TypeError(n, type_name);
      return;
    }
    for (const YAML::Node& e : n) {
      if (stopped()) return;
      item(e);
    }
  }

  // A struct named `type_name` (main.testGroup): each key goes to its field in document order;
  // unknown and repeated keys are errors.
  void Struct(const YAML::Node& n, std::string_view type_name, const Fields& fields) {
    if (stopped() || n.IsNull()) return;
    if (!n.IsMap()) {
      TypeError(n, type_name);
      return;
    }
    std::set<std::string_view> done;
    for (const auto& kv : n) {
      if (stopped()) return;
      std::string key;
      if (!String(kv.first, &key)) continue;
      const auto field =
          std::find_if(fields.begin(), fields.end(), [&](const auto& f) { return f.first == key; });
      if (field == fields.end()) {
        errors_.push_back(
            StrCat("line ", Line(kv.first), ": field ", key, " not found in type ", type_name));
        continue;
      }
      if (!done.insert(field->first).second) {
        errors_.push_back(
            StrCat("line ", Line(kv.first), ": field ", key, " already set in type ", type_name));
        continue;
      }
      field->second(kv.second);
    }
  }

 private:
  static int Line(const YAML::Node& n) { return n.Mark().line + 1; }

  std::vector<std::string> errors_;
  std::optional<std::string> fatal_;
};

void DecodeAlert(Decoder& d, const YAML::Node& n, ExpectedAlert* a) {
  d.Struct(
      n, "main.alert",
      {{"exp_labels", [&](const YAML::Node& v) { d.StringMap(v, &a->exp_labels); }},
       {"exp_annotations", [&](const YAML::Node& v) { d.StringMap(v, &a->exp_annotations); }}});
}

void DecodeAlertTest(Decoder& d, const YAML::Node& n, AlertTestCase* t) {
  d.Struct(n, "main.alertTestCase",
           {{"eval_time", [&](const YAML::Node& v) { d.Duration(v, &t->eval_time); }},
            {"alertname", [&](const YAML::Node& v) { d.String(v, &t->alertname); }},
            {"exp_alerts", [&](const YAML::Node& v) {
               d.Sequence(v, "[]main.alert", [&](const YAML::Node& e) {
                 DecodeAlert(d, e, &t->exp_alerts.emplace_back());
               });
             }}});
}

void DecodePromqlTest(Decoder& d, const YAML::Node& n, PromqlTestCase* t) {
  d.Struct(n, "main.promqlTestCase",
           {{"expr", [&](const YAML::Node& v) { d.String(v, &t->expr); }},
            {"eval_time", [&](const YAML::Node& v) { d.Duration(v, &t->eval_time); }},
            {"exp_samples", [&](const YAML::Node& v) {
               d.Sequence(v, "[]main.sample", [&](const YAML::Node& e) {
                 ExpectedSample& s = t->exp_samples.emplace_back();
                 d.Struct(e, "main.sample",
                          {{"labels", [&](const YAML::Node& x) { d.String(x, &s.labels); }},
                           {"value", [&](const YAML::Node& x) { d.Float(x, &s.value); }}});
               });
             }}});
}

void DecodeTestGroup(Decoder& d, const YAML::Node& n, RulesTestGroup* g) {
  d.Struct(n, "main.testGroup",
           {{"interval", [&](const YAML::Node& v) { d.Duration(v, &g->interval); }},
            {"input_series",
             [&](const YAML::Node& v) {
               d.Sequence(v, "[]main.series", [&](const YAML::Node& e) {
                 InputSeries& s = g->input_series.emplace_back();
                 d.Struct(e, "main.series",
                          {{"series", [&](const YAML::Node& x) { d.String(x, &s.series); }},
                           {"values", [&](const YAML::Node& x) { d.String(x, &s.values); }}});
               });
             }},
            {"alert_rule_test",
             [&](const YAML::Node& v) {
               d.Sequence(v, "[]main.alertTestCase", [&](const YAML::Node& e) {
                 DecodeAlertTest(d, e, &g->alert_rule_test.emplace_back());
               });
             }},
            {"promql_expr_test",
             [&](const YAML::Node& v) {
               d.Sequence(v, "[]main.promqlTestCase", [&](const YAML::Node& e) {
                 DecodePromqlTest(d, e, &g->promql_expr_test.emplace_back());
               });
             }},
            {"external_labels",
             [&](const YAML::Node& v) {
               std::map<std::string, std::string> m;
               d.StringMap(v, &m);
               std::vector<std::pair<std::string, std::string>> pairs(m.begin(), m.end());
               g->external_labels = model::Labels::FromPairs(pairs);
             }},
            {"external_url", [&](const YAML::Node& v) { d.String(v, &g->external_url); }},
            {"name", [&](const YAML::Node& v) { d.String(v, &g->name); }}});
}

}  // namespace

absl::StatusOr<RulesTestFile> ParseRulesTestFile(std::string_view content) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(content));
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(
        util::ToAbsl(StrCat("yaml: line ", e.mark.line + 1, ": ", e.msg)));
  }
  RulesTestFile file;
  Decoder d;
  try {
    d.Struct(root, "main.unitTestFile",
             {{"rule_files", [&](const YAML::Node& v) { d.StringList(v, &file.rule_files); }},
              {"evaluation_interval",
               [&](const YAML::Node& v) { d.Duration(v, &file.evaluation_interval); }},
              {"group_eval_order",
               [&](const YAML::Node& v) { d.StringList(v, &file.group_eval_order); }},
              {"tests",
               [&](const YAML::Node& v) {
                 d.Sequence(v, "[]main.testGroup", [&](const YAML::Node& e) {
                   DecodeTestGroup(d, e, &file.tests.emplace_back());
                 });
               }},
              {"fuzzy_compare", [&](const YAML::Node& v) { d.Bool(v, &file.fuzzy_compare); }}});
  } catch (const YAML::Exception& e) {  // yaml-cpp throws on some malformed documents late
    return absl::InvalidArgumentError(
        util::ToAbsl(StrCat("yaml: line ", e.mark.line + 1, ": ", e.msg)));
  }
  if (absl::Status s = d.Result(); !s.ok()) return s;
  return file;
}

}  // namespace sextant::tool

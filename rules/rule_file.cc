#include "rules/rule_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include <sys/stat.h>

#include "model/label_names.h"
#include "promql/parser.h"
#include "rules/rule_file_decode.h"
#include "util/go_format.h"
#include "util/strings.h"

#ifdef SEXTANT_HAVE_RULES_TEMPLATE
#include "rules/template/template.h"
#endif

namespace sextant::rules {
namespace {

using internal::DecodedFile;
using internal::DecodedGroup;
using internal::DecodedRule;
using internal::NodePos;
using util::StrCat;

std::string PosPrefix(NodePos pos) { return StrCat(pos.line, ":", pos.column, ": "); }

// One rule's errors as rulefmt's Rule.Validate finds them: the message and the positions it is
// reported at (none, one, or two nodes).
struct RuleError {
  std::string message;
  std::vector<NodePos> positions;
};

// The template checks of an alerting rule's labels and annotations (testTemplateParsing).
void CheckTemplates(const RuleNode& r, std::vector<RuleError>* errors) {
#ifdef SEXTANT_HAVE_RULES_TEMPLATE
  if (r.alert.empty()) return;
  const std::string name = StrCat("__alert_", r.alert);
  for (const auto& l : r.labels) {
    if (absl::Status s = tmpl::CheckAlertTemplate(name, l.value); !s.ok()) {
      errors->push_back(
          {StrCat("label ", util::QuoteGo(l.name), ": ", util::FromAbsl(s.message()))});
    }
  }
  for (const auto& a : r.annotations) {
    if (absl::Status s = tmpl::CheckAlertTemplate(name, a.value); !s.ok()) {
      errors->push_back(
          {StrCat("annotation ", util::QuoteGo(a.name), ": ", util::FromAbsl(s.message()))});
    }
  }
#else
  (void)r;
  (void)errors;
#endif
}

std::vector<RuleError> ValidateRule(const DecodedRule& d) {
  const RuleNode& r = d.rule;
  std::vector<RuleError> errors;
  if (!r.record.empty() && !r.alert.empty()) {
    errors.push_back({"only one of 'record' and 'alert' must be set", {d.record_pos, d.alert_pos}});
  }
  if (r.record.empty() && r.alert.empty()) {
    errors.push_back({"one of 'record' or 'alert' must be set", {d.record_pos}});
  }
  if (r.expr.empty()) {
    errors.push_back({"field 'expr' must be set in rule", {d.expr_pos}});
  } else if (auto parsed = promql::ParseExpr(r.expr); !parsed.ok()) {
    errors.push_back(
        {StrCat("could not parse expression: ", util::FromAbsl(parsed.status().message())),
         {d.expr_pos}});
  }
  if (!r.record.empty()) {
    if (!r.annotations.empty()) {
      errors.push_back({"invalid field 'annotations' in recording rule", {d.record_pos}});
    }
    if (r.for_duration != absl::ZeroDuration()) {
      errors.push_back({"invalid field 'for' in recording rule", {d.record_pos}});
    }
    if (r.keep_firing_for != absl::ZeroDuration()) {
      errors.push_back({"invalid field 'keep_firing_for' in recording rule", {d.record_pos}});
    }
    if (!model::IsValidMetricName(r.record)) {
      errors.push_back({StrCat("invalid recording rule name: ", r.record), {d.record_pos}});
    }
  }
  for (const auto& l : r.labels) {
    if (!model::IsValidLabelName(l.name) || l.name == model::kMetricNameLabel) {
      errors.push_back({StrCat("invalid label name: ", l.name)});
    }
    if (!util::IsValidUtf8(l.value)) errors.push_back({StrCat("invalid label value: ", l.value)});
  }
  for (const auto& a : r.annotations) {
    if (!model::IsValidLabelName(a.name)) {
      errors.push_back({StrCat("invalid annotation name: ", a.name)});
    }
  }
  CheckTemplates(r, &errors);
  return errors;
}

// RuleGroups.Validate: every error, in Prometheus's order.
std::vector<std::string> Validate(const std::vector<DecodedGroup>& groups) {
  std::vector<std::string> errors;
  std::set<std::string, std::less<>> seen;
  for (const DecodedGroup& g : groups) {
    const std::string& name = g.group.name;
    if (name.empty()) errors.push_back(StrCat(PosPrefix(g.pos), "Groupname must not be empty"));
    if (!seen.insert(name).second) {
      errors.push_back(
          StrCat(PosPrefix(g.pos), "groupname: \"", name, "\" is repeated in the same file"));
    }
    for (const auto& l : g.group.labels) {
      if (!model::IsValidLabelName(l.name) || l.name == model::kMetricNameLabel) {
        errors.push_back(StrCat("invalid label name: ", l.name));
      }
      if (!util::IsValidUtf8(l.value)) errors.push_back(StrCat("invalid label value: ", l.value));
    }
    for (size_t i = 0; i < g.rules.size(); ++i) {
      const RuleNode& r = g.rules[i].rule;
      const std::string& rule_name = r.alert.empty() ? r.record : r.alert;
      for (const RuleError& e : ValidateRule(g.rules[i])) {
        std::string line;
        for (const NodePos& pos : e.positions) util::StrAppend(&line, PosPrefix(pos));
        util::StrAppend(&line, "group ", util::QuoteGo(name), ", rule ", i + 1, ", ",
                        util::QuoteGo(rule_name), ": ", e.message);
        errors.push_back(std::move(line));
      }
    }
  }
  return errors;
}

absl::StatusOr<RuleFile> ToStatus(RuleFileCheck check, const std::string& path) {
  if (check.errors.empty()) return std::move(check.file);
  const std::string prefix = path.empty() ? "" : StrCat(path, ": ");
  std::string message;
  for (const std::string& e : check.errors) {
    if (!message.empty()) message.push_back('\n');
    util::StrAppend(&message, prefix, e);
  }
  if (check.not_found) return absl::NotFoundError(message);
  return absl::InvalidArgumentError(message);
}

}  // namespace

RuleFileCheck CheckRuleFileContent(const std::string& path, std::string_view content,
                                   const RuleFileOptions& options) {
  RuleFileCheck check;
  check.file.path = path;
  DecodedFile decoded = internal::DecodeRuleFile(content, options.ignore_unknown_fields);
  if (!decoded.errors.empty()) {
    check.errors = std::move(decoded.errors);
    return check;
  }
  check.errors = Validate(decoded.groups);
  if (!check.errors.empty()) return check;
  for (DecodedGroup& g : decoded.groups) {
    RuleGroup& group = check.file.groups.emplace_back(std::move(g.group));
    for (DecodedRule& r : g.rules) group.rules.push_back(std::move(r.rule));
  }
  return check;
}

RuleFileCheck CheckRuleFile(const std::string& path, const RuleFileOptions& options) {
  std::ifstream in(path, std::ios::binary);
  struct stat st;
  const bool is_dir = ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  if (!in || is_dir) {
    RuleFileCheck check;
    check.file.path = path;
    const int err = is_dir ? EISDIR : errno;
    check.not_found = err == ENOENT;
    // Go's os.ReadFile error (a directory opens but fails on read).
    check.errors.push_back(is_dir ? StrCat("read ", path, ": is a directory")
                                  : StrCat("open ", path, ": ", util::GoErrnoText(err)));
    return check;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  return CheckRuleFileContent(path, buf.str(), options);
}

absl::StatusOr<RuleFile> LoadRuleFile(const std::string& path, const RuleFileOptions& options) {
  return ToStatus(CheckRuleFile(path, options), path);
}

absl::StatusOr<RuleFile> ParseRuleFile(const std::string& path, std::string_view content,
                                       const RuleFileOptions& options) {
  return ToStatus(CheckRuleFileContent(path, content, options), path);
}

}  // namespace sextant::rules

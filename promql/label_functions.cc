// label_replace and label_join (functions.go).

#include <string>
#include <string_view>
#include <vector>

#include "model/regex.h"
#include "promql/evaluator.h"
#include "re2/re2.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace sextant::promql::internal {

namespace {

bool IsValidLabelName(std::string_view n) {
  if (n.empty()) return false;
  for (size_t i = 0; i < n.size(); ++i) {
    const char c = n[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
          (i > 0 && c >= '0' && c <= '9'))) {
      return false;
    }
  }
  return true;
}

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Go's regexp.Expand: $1, ${1}, $name, ${name}, $$.
std::string Expand(std::string_view tmpl, const RE2& re,
                   const std::vector<re2::StringPiece>& groups) {
  std::string out;
  for (size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] != '$' || i + 1 >= tmpl.size()) {
      out.push_back(tmpl[i]);
      continue;
    }
    if (tmpl[i + 1] == '$') {
      out.push_back('$');
      ++i;
      continue;
    }
    std::string_view name;
    size_t next = i + 1;
    if (tmpl[next] == '{') {
      const size_t close = tmpl.find('}', next);
      if (close == std::string_view::npos) {
        out.push_back('$');
        continue;
      }
      name = tmpl.substr(next + 1, close - next - 1);
      next = close + 1;
    } else {
      size_t j = next;
      while (j < tmpl.size() && IsNameChar(tmpl[j])) ++j;
      name = tmpl.substr(next, j - next);
      next = j;
    }
    if (name.empty()) {
      out.push_back('$');
      continue;
    }
    int group = -1;
    bool numeric = true;
    for (char ch : name) numeric &= ch >= '0' && ch <= '9';
    if (numeric && name.size() < 9) {
      group = std::stoi(std::string(name));
    } else {
      auto it = re.NamedCapturingGroups().find(std::string(name));
      if (it != re.NamedCapturingGroups().end()) group = it->second;
    }
    if (group >= 0 && static_cast<size_t>(group) < groups.size() && groups[group].data()) {
      out.append(groups[group].data(), groups[group].size());
    }
    i = next - 1;
  }
  return out;
}

}  // namespace

absl::StatusOr<StepValue> Evaluator::EvalLabelFunction(const Call& c) {
  const bool replace = c.func->name == "label_replace";
  ASSIGN_OR_RETURN(StepValue in, Eval(*c.args[0]));
  std::vector<std::string> strs;
  for (size_t k = 1; k < c.args.size(); ++k) {
    ASSIGN_OR_RETURN(StepValue s, Eval(*c.args[k]));
    strs.push_back(s.str);
  }
  const std::string& dst = strs[0];
  const std::string_view fname = replace ? "label_replace" : "label_join";
  if (!IsValidLabelName(dst)) {
    return absl::InvalidArgumentError(
        util::StrCat("invalid destination label name in ", fname, "(): ", dst));
  }
  std::shared_ptr<const RE2> re;
  if (replace) {
    auto compiled = model::CompileAnchoredRegex(strs[3]);
    if (!compiled.ok()) {
      return absl::InvalidArgumentError(
          util::StrCat("invalid regular expression in label_replace(): ", strs[3]));
    }
    re = *std::move(compiled);
  } else {
    for (size_t k = 2; k < strs.size(); ++k) {
      if (!IsValidLabelName(strs[k])) {
        return absl::InvalidArgumentError(
            util::StrCat("invalid source label name in label_join(): ", strs[k]));
      }
    }
  }
  std::vector<re2::StringPiece> groups(replace ? re->NumberOfCapturingGroups() + 1 : 0);
  // The new labels depend on the old ones only: worked out once per series.
  PerSeries<SeriesId> relabelled;
  auto relabel = [&](SeriesId id) {
    const model::Labels& labels = ctx_->labels(id);
    std::string value;
    if (replace) {
      const std::string_view src = labels.Get(strs[2]);
      if (!re->Match(model::ToRe2(src), 0, src.size(), RE2::ANCHOR_BOTH, groups.data(),
                     static_cast<int>(groups.size()))) {
        return id;
      }
      value = Expand(strs[1], *re, groups);
    } else {
      std::vector<std::string_view> parts;
      for (size_t k = 2; k < strs.size(); ++k) parts.push_back(labels.Get(strs[k]));
      value = util::StrJoin(parts, strs[1]);
    }
    model::LabelsBuilder b(labels);
    b.Set(dst, value);
    return ctx_->series.Intern(b.Build());
  };
  for (Samples& vec : in.vectors) {
    for (Sample& s : vec) s.id = relabelled.Get(s.id, relabel);
    RETURN_IF_ERROR(ctx_->CheckDuplicates(vec));
  }
  return in;
}

}  // namespace sextant::promql::internal

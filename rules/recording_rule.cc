#include "rules/recording_rule.h"

#include <algorithm>
#include <utility>

#include "model/labels.h"
#include "model/timestamp.h"
#include "util/strings.h"

namespace sextant::rules {

RecordingRule::RecordingRule(std::string name, std::unique_ptr<promql::Expr> expr,
                             model::Labels labels)
    : Rule(Kind::kRecording, std::move(name), std::move(expr), std::move(labels)) {}

absl::StatusOr<promql::Vector> RecordingRule::Eval(const EvalContext& ctx, absl::Time ts) {
  const int64_t t = model::FromTime(ts - ctx.query_offset);
  absl::StatusOr<promql::Vector> result = ctx.query(query(), &expr(), t);
  if (!result.ok()) return result.status();
  promql::Vector& vec = *result;
  model::LabelsBuilder b;
  for (promql::VectorSample& s : vec) {
    b.Reset(s.labels);
    b.Set(model::kMetricNameLabel, name());
    for (const model::Label& l : labels()) b.Set(l.name, l.value);
    s.labels = b.Build();
  }
  // Duplicates are only possible when the rule's labels overwrote distinguishing ones.
  if (vec.size() > 1) {
    std::vector<const model::Labels*> sorted;
    sorted.reserve(vec.size());
    for (const promql::VectorSample& s : vec) sorted.push_back(&s.labels);
    std::sort(sorted.begin(), sorted.end(),
              [](const model::Labels* a, const model::Labels* b) { return *a < *b; });
    for (size_t i = 1; i < sorted.size(); ++i) {
      if (*sorted[i] == *sorted[i - 1]) {
        return absl::InvalidArgumentError(
            "vector contains metrics with the same labelset after applying rule labels");
      }
    }
  }
  if (ctx.limit > 0 && static_cast<int64_t>(vec.size()) > ctx.limit) {
    return absl::InvalidArgumentError(
        util::StrCat("exceeded limit of ", ctx.limit, " with ", vec.size(), " series"));
  }
  return result;
}

std::string RecordingRule::Definition() const {
  return util::StrCat("record: ", name(), "\nexpr: ", query(), "\nlabels: ", labels().ToString(),
                      "\n");
}

}  // namespace sextant::rules

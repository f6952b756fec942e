#pragma once

// A recording rule: evaluates its expression and stores the result under a new metric name with
// the rule's labels, as Prometheus's rules.RecordingRule.

#include <memory>
#include <string>

#include "rules/rule.h"

namespace sextant::rules {

class RecordingRule final : public Rule {
 public:
  RecordingRule(std::string name, std::unique_ptr<promql::Expr> expr, model::Labels labels);

  // Each sample of the result gets __name__ = the rule's name and the rule's labels. Errors:
  // the query's; "vector contains metrics with the same labelset after applying rule labels";
  // "exceeded limit of L with N series" when the group's limit is exceeded.
  absl::StatusOr<promql::Vector> Eval(const EvalContext& ctx, absl::Time ts) override;

  std::string Definition() const override;
};

}  // namespace sextant::rules

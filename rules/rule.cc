#include "rules/rule.h"

#include <utility>

#include "promql/printer.h"

namespace sextant::rules {

std::string_view RuleHealthName(RuleHealth health) {
  switch (health) {
    case RuleHealth::kGood:
      return "ok";
    case RuleHealth::kBad:
      return "err";
    case RuleHealth::kUnknown:
      break;
  }
  return "unknown";
}

Rule::Rule(Kind kind, std::string name, std::unique_ptr<promql::Expr> expr, model::Labels labels)
    : kind_(kind),
      name_(std::move(name)),
      expr_(std::move(expr)),
      query_(promql::Format(*expr_)),
      labels_(std::move(labels)) {}

RuleStatus Rule::status() const {
  util::ReaderMutexLock lock(&mu_);
  return status_;
}

void Rule::SetHealth(RuleHealth health, std::string last_error) {
  util::MutexLock lock(&mu_);
  status_.health = health;
  status_.last_error = std::move(last_error);
}

void Rule::SetEvaluated(absl::Time at, absl::Duration took) {
  util::MutexLock lock(&mu_);
  status_.last_evaluation = at;
  status_.evaluation_time = took;
}

}  // namespace sextant::rules

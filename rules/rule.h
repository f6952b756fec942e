#pragma once

// What recording and alerting rules share: the query they evaluate, their output labels, their
// health as /api/v1/rules shows it, and the context one evaluation runs in.
//
// A rule is evaluated by its group only (one thread at a time); its status accessors may be
// called from any thread.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "model/labels.h"
#include "promql/ast.h"
#include "promql/value.h"
#include "util/mutex.h"

namespace sextant::rules {

// Go's zero time.Time (0001-01-01T00:00:00Z): what Prometheus reports for "never".
inline const absl::Time kZeroTime = absl::UniversalEpoch();
inline bool IsZeroTime(absl::Time t) { return t == kZeroTime; }

// Runs an instant query at `t_ms`. `parsed` is the query's expression when the caller has it
// (a rule), nullptr when only `text` is known (a template's `query`). The result is the vector,
// or one label-less sample for a scalar; other result types fail with "rule result is not a
// vector or scalar".
using QueryFunc = std::function<absl::StatusOr<promql::Vector>(
    std::string_view text, const promql::Expr* parsed, int64_t t_ms)>;

// What a rule's evaluation needs from its group.
struct EvalContext {
  QueryFunc query;
  absl::Duration query_offset = absl::ZeroDuration();  // the query runs at ts - query_offset
  int64_t limit = 0;  // the group's limit on output series (alerts); 0 = none
  std::string external_url;
  model::Labels external_labels;
};

enum class RuleHealth { kUnknown, kGood, kBad };
// "unknown", "ok", "err", as the API writes them.
std::string_view RuleHealthName(RuleHealth health);

// A rule's evaluation status.
struct RuleStatus {
  RuleHealth health = RuleHealth::kUnknown;
  std::string last_error;  // empty when the last evaluation succeeded
  absl::Time last_evaluation = kZeroTime;
  absl::Duration evaluation_time = absl::ZeroDuration();
};

class Rule {
 public:
  enum class Kind { kRecording, kAlerting };

  virtual ~Rule() = default;
  Rule(const Rule&) = delete;
  Rule& operator=(const Rule&) = delete;

  Kind kind() const { return kind_; }
  const std::string& name() const { return name_; }
  const promql::Expr& expr() const { return *expr_; }
  // The expression as Prometheus prints it (rule.Query().String()).
  const std::string& query() const { return query_; }
  // The labels the rule adds (group labels merged with the rule's own).
  const model::Labels& labels() const { return labels_; }

  // Evaluates at `ts` and returns the samples to append (their labels final). Errors: the
  // query's, and the rule's own (duplicate label sets, limit exceeded).
  virtual absl::StatusOr<promql::Vector> Eval(const EvalContext& ctx, absl::Time ts) = 0;

  // Everything that defines the rule, to tell whether a reload changed it (Prometheus compares
  // the rules' YAML).
  virtual std::string Definition() const = 0;

  RuleStatus status() const;
  void SetHealth(RuleHealth health, std::string last_error);
  void SetEvaluated(absl::Time at, absl::Duration took);

 protected:
  Rule(Kind kind, std::string name, std::unique_ptr<promql::Expr> expr, model::Labels labels);

 private:
  const Kind kind_;
  const std::string name_;
  const std::unique_ptr<promql::Expr> expr_;
  const std::string query_;
  const model::Labels labels_;
  mutable util::Mutex mu_;
  RuleStatus status_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sextant::rules

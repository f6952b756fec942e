#include "rules/group.h"

#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "model/sample.h"
#include "model/timestamp.h"
#include "promql/parser.h"
#include "rules/eval_storage.h"
#include "util/log.h"
#include "util/status_macros.h"
#include "util/strings.h"
#include "xxhash.h"

namespace sextant::rules {
namespace {

const util::Logger& Log() {
  static const util::Logger* logger = new util::Logger("rule manager");
  return *logger;
}

// Prometheus's labels.New(name, file).Hash(): xxHash64 over `name 0xff value 0xff` of the
// labels in name order.
uint64_t GroupHash(std::string_view name, std::string_view file) {
  std::string b;
  b.reserve(name.size() + file.size() + 12);
  b.append("file").push_back('\xff');
  b.append(file).push_back('\xff');
  b.append("name").push_back('\xff');
  b.append(name).push_back('\xff');
  return XXH64(b.data(), b.size(), 0);
}

// Append errors that are expected after restarts and reloads and not worth a warning.
bool IsBenignAppendError(const absl::Status& st) {
  switch (tsdb::AppendErrorOf(st)) {
    case tsdb::AppendError::kOutOfOrder:
    case tsdb::AppendError::kDuplicate:
    case tsdb::AppendError::kOutOfBounds:
      return true;
    default:
      return false;
  }
}

std::string StatusText(const absl::Status& st) { return std::string(util::FromAbsl(st.message())); }

// Appends a rule's outputs through `es`, and a stale marker at `stale_t` for each of its
// `previous` outputs that is not among them; returns the outputs that were appended. Refused
// samples mark the rule unhealthy and are logged by kind, as Prometheus does.
absl::flat_hash_set<model::Labels> AppendOutputs(EvalStorage& es, Rule& rule,
                                                 const promql::Vector& vec,
                                                 const absl::flat_hash_set<model::Labels>& previous,
                                                 int64_t stale_t) {
  absl::flat_hash_set<model::Labels> returned;
  returned.reserve(vec.size());
  int64_t out_of_order = 0, duplicates = 0, too_old = 0;
  for (const promql::VectorSample& s : vec) {
    absl::Status st = es.Append(s.labels, s.t, s.v);
    if (st.ok()) {
      returned.insert(s.labels);
      continue;
    }
    rule.SetHealth(RuleHealth::kBad, StatusText(st));
    switch (tsdb::AppendErrorOf(st)) {
      case tsdb::AppendError::kOutOfOrder:
        ++out_of_order;
        break;
      case tsdb::AppendError::kDuplicate:
        ++duplicates;
        break;
      case tsdb::AppendError::kOutOfBounds:
        ++too_old;
        break;
      default:
        Log().Warn("Rule evaluation result discarded",
                   {{"name", rule.name()}, {"err", st}, {"sample", s.labels.ToString()}});
    }
  }
  if (out_of_order > 0) {
    Log().Warn("Error on ingesting out-of-order result from rule evaluation",
               {{"name", rule.name()}, {"num_dropped", out_of_order}});
  }
  if (too_old > 0) {
    Log().Warn("Error on ingesting too old result from rule evaluation",
               {{"name", rule.name()}, {"num_dropped", too_old}});
  }
  if (duplicates > 0) {
    Log().Warn(
        "Error on ingesting results from rule evaluation with different value but same "
        "timestamp",
        {{"name", rule.name()}, {"num_dropped", duplicates}});
  }
  for (const model::Labels& prev : previous) {
    if (returned.contains(prev)) continue;
    absl::Status st = es.Append(prev, stale_t, model::StaleNaN());
    if (!st.ok() && !IsBenignAppendError(st)) {
      Log().Warn("Adding stale sample failed", {{"sample", prev.ToString()}, {"err", st}});
    }
  }
  return returned;
}

}  // namespace

Group::Group(Options options, std::vector<std::unique_ptr<Rule>> rules,
             std::shared_ptr<const GroupEnv> env)
    : opts_(std::move(options)),
      rules_(std::move(rules)),
      env_(std::move(env)),
      previous_(rules_.size()),
      should_restore_(opts_.should_restore),
      last_evaluation_(kZeroTime) {}

Group::~Group() { Stop(); }

absl::Duration Group::QueryOffset() const {
  return opts_.query_offset.value_or(env_->default_query_offset);
}

std::string Group::Key() const { return util::StrCat(opts_.file, ";", opts_.name); }

absl::Time Group::EvalTimestamp(absl::Time start) const {
  const int64_t interval = absl::ToInt64Nanoseconds(opts_.interval);
  if (interval <= 0) return start;
  const int64_t offset =
      static_cast<int64_t>(GroupHash(opts_.name, opts_.file) % static_cast<uint64_t>(interval));
  const int64_t adj_now = absl::ToUnixNanos(start) - offset;
  const int64_t base = adj_now - adj_now % interval;
  return absl::FromUnixNanos(base + offset);
}

absl::StatusOr<promql::Vector> Group::Query(EvalStorage& es, std::string_view text,
                                            const promql::Expr* parsed, int64_t t) const {
  std::unique_ptr<promql::Expr> owned;
  if (parsed == nullptr) {
    ASSIGN_OR_RETURN(owned, promql::ParseExpr(text));
    parsed = owned.get();
  }
  promql::QueryOptions qo;
  qo.query_text = text;
  ASSIGN_OR_RETURN(promql::QueryResult r,
                   env_->engine->Evaluate(es.StorageFor(*parsed), *parsed, t, t, 0, qo));
  if (auto* v = std::get_if<promql::Vector>(&r.value)) return std::move(*v);
  if (auto* s = std::get_if<promql::Scalar>(&r.value)) {
    return promql::Vector{promql::VectorSample{model::Labels(), s->t, s->v}};
  }
  return absl::InvalidArgumentError("rule result is not a vector or scalar");
}

void Group::Eval(absl::Time ts) {
  EvalStorage es(env_->storage);
  EvalContext ctx;
  ctx.query = [this, &es](std::string_view text, const promql::Expr* parsed, int64_t t) {
    return Query(es, text, parsed, t);
  };
  ctx.query_offset = QueryOffset();
  ctx.limit = opts_.limit;
  ctx.external_url = env_->external_url;
  ctx.external_labels = env_->external_labels;
  const int64_t stale_t = model::FromTime(ts - ctx.query_offset);

  std::vector<std::optional<absl::flat_hash_set<model::Labels>>> next(rules_.size());
  double samples_total = 0;
  // Every evaluation, failed or not, is timed (Prometheus's deferred SetEvaluationDuration).
  auto evaluated = [this](Rule& rule, absl::Time start) {
    const absl::Duration took = absl::Now() - start;
    rule.SetEvaluated(start, took);
    if (env_->rule_duration != nullptr) env_->rule_duration->Observe(absl::ToDoubleSeconds(took));
  };
  for (size_t i = 0; i < rules_.size(); ++i) {
    {
      std::lock_guard<std::mutex> l(stop_mu_);
      if (stopping_) break;  // stopping: commit what was evaluated
    }
    Rule& rule = *rules_[i];
    const absl::Time start = absl::Now();
    counters_.evaluations_total += 1;
    absl::StatusOr<promql::Vector> vec = rule.Eval(ctx, ts);
    if (!vec.ok()) {
      rule.SetHealth(RuleHealth::kBad, StatusText(vec.status()));
      counters_.evaluation_failures += 1;
      if (!absl::IsCancelled(vec.status())) {
        Log().Warn("Evaluating rule failed", {{"file", opts_.file},
                                              {"group", opts_.name},
                                              {"name", rule.name()},
                                              {"index", i},
                                              {"err", vec.status()}});
      }
      evaluated(rule, start);
      continue;
    }
    rule.SetHealth(RuleHealth::kGood, "");
    samples_total += static_cast<double>(vec->size());
    if (rule.kind() == Rule::Kind::kAlerting) {
      static_cast<AlertingRule&>(rule).SendAlerts(ts, env_->resend_delay, opts_.interval,
                                                  env_->notify);
    }

    next[i] = AppendOutputs(es, rule, *vec, previous_[i], stale_t);
    evaluated(rule, start);
  }

  if (absl::Status st = es.Commit(); !st.ok()) {
    // Nothing of this evaluation was stored: every rule that had output failed.
    Log().Warn("Rule sample appending failed", {{"group", opts_.name}, {"err", st}});
    for (size_t i = 0; i < rules_.size(); ++i) {
      if (!next[i].has_value()) continue;
      rules_[i]->SetHealth(RuleHealth::kBad, StatusText(st));
      counters_.evaluation_failures += 1;
    }
  } else {
    for (size_t i = 0; i < rules_.size(); ++i) {
      if (next[i].has_value()) previous_[i] = std::move(*next[i]);
    }
  }
  counters_.last_evaluation_samples = samples_total;
  CleanupStaleSeries(ts);
}

void Group::CleanupStaleSeries(absl::Time ts) {
  if (stale_series_.empty()) return;
  std::unique_ptr<tsdb::Appender> app = env_->storage->NewAppender();
  const int64_t t = model::FromTime(ts - QueryOffset());
  for (const model::Labels& s : stale_series_) {
    absl::StatusOr<tsdb::SeriesRef> r = app->Append(0, s, t, model::StaleNaN());
    if (!r.ok() && !IsBenignAppendError(r.status())) {
      Log().Warn("Adding stale sample for previous configuration failed",
                 {{"sample", s.ToString()}, {"err", r.status()}});
    }
  }
  if (absl::Status st = app->Commit(); !st.ok()) {
    Log().Warn("Stale sample appending for previous configuration failed", {{"err", st}});
    return;
  }
  stale_series_.clear();
}

void Group::WriteStaleMarkers(absl::Time ts) {
  for (auto& prev : previous_) {
    stale_series_.insert(stale_series_.end(), prev.begin(), prev.end());
    prev.clear();
  }
  CleanupStaleSeries(ts);
}

void Group::RestoreForState(absl::Time now) {
  const absl::Time start = absl::Now();
  absl::StatusOr<std::unique_ptr<tsdb::Querier>> q = env_->storage->NewQuerier(
      model::FromTime(now - env_->outage_tolerance), model::FromTime(now));
  for (const std::unique_ptr<Rule>& rule : rules_) {
    if (rule->kind() != Rule::Kind::kAlerting) continue;
    auto& ar = static_cast<AlertingRule&>(*rule);
    if (!q.ok() || ar.hold_duration() < env_->for_grace_period) {
      if (!q.ok()) Log().Error("Failed to get Querier", {{"err", q.status()}});
      ar.set_restored(true);
      continue;
    }
    if (absl::Status st = ar.RestoreForState(**q, now, env_->for_grace_period); !st.ok()) {
      Log().Error("Failed to restore 'for' state", {{"alertname", ar.name()}, {"err", st}});
    }
  }
  should_restore_ = false;
  counters_.last_restore_duration = absl::ToDoubleSeconds(absl::Now() - start);
}

bool Group::SleepUntil(absl::Time t) {
  std::unique_lock<std::mutex> l(stop_mu_);
  return !stop_cv_.wait_until(l, absl::ToChronoTime(t), [this] { return stopping_; });
}

void Group::Run() {
  {
    std::lock_guard<std::mutex> l(stop_mu_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { Loop(); });
}

void Group::Stop() {
  {
    std::lock_guard<std::mutex> l(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Group::Loop() {
  absl::Time eval_ts = EvalTimestamp(absl::Now()) + opts_.interval;
  auto iterate = [this](absl::Time ts) {
    counters_.iterations_total += 1;
    const absl::Time start = absl::Now();
    Eval(ts);
    const absl::Duration took = absl::Now() - start;
    if (env_->group_duration != nullptr) {
      env_->group_duration->Observe(absl::ToDoubleSeconds(took));
    }
    util::MutexLock lock(&status_mu_);
    evaluation_time_ = took;
    last_evaluation_ = start;
  };
  if (!SleepUntil(eval_ts)) return;
  iterate(eval_ts);
  while (SleepUntil(eval_ts + opts_.interval)) {
    const int64_t missed = (absl::Now() - eval_ts) / opts_.interval - 1;
    if (missed > 0) {
      counters_.iterations_missed += static_cast<double>(missed);
      counters_.iterations_total += static_cast<double>(missed);
    }
    eval_ts += (std::max<int64_t>(missed, 0) + 1) * opts_.interval;
    iterate(eval_ts);
    if (should_restore_) RestoreForState(absl::Now());
  }
}

bool Group::Equals(const Group& other) const {
  if (opts_.name != other.opts_.name || opts_.file != other.opts_.file ||
      opts_.interval != other.opts_.interval || opts_.limit != other.opts_.limit ||
      opts_.query_offset != other.opts_.query_offset || rules_.size() != other.rules_.size()) {
    return false;
  }
  for (size_t i = 0; i < rules_.size(); ++i) {
    if (rules_[i]->Definition() != other.rules_[i]->Definition()) return false;
  }
  return true;
}

void Group::CopyState(Group& from) {
  {
    util::MutexLock lock(&status_mu_);
    util::ReaderMutexLock from_lock(&from.status_mu_);
    evaluation_time_ = from.evaluation_time_;
    last_evaluation_ = from.last_evaluation_;
  }
  auto key = [](const Rule& r) { return util::StrCat(r.name(), r.labels().ToString()); };
  absl::flat_hash_map<std::string, std::vector<size_t>> by_key;
  for (size_t fi = 0; fi < from.rules_.size(); ++fi) by_key[key(*from.rules_[fi])].push_back(fi);
  std::vector<bool> taken(from.rules_.size(), false);
  for (size_t i = 0; i < rules_.size(); ++i) {
    auto it = by_key.find(key(*rules_[i]));
    if (it == by_key.end() || it->second.empty()) continue;
    const size_t fi = it->second.front();
    it->second.erase(it->second.begin());
    taken[fi] = true;
    previous_[i] = from.previous_[fi];
    if (rules_[i]->kind() == Rule::Kind::kAlerting &&
        from.rules_[fi]->kind() == Rule::Kind::kAlerting) {
      static_cast<AlertingRule&>(*rules_[i])
          .CopyAlertsFrom(static_cast<const AlertingRule&>(*from.rules_[fi]));
    }
  }
  stale_series_ = from.stale_series_;
  for (size_t fi = 0; fi < from.rules_.size(); ++fi) {
    if (taken[fi]) continue;
    stale_series_.insert(stale_series_.end(), from.previous_[fi].begin(), from.previous_[fi].end());
  }
}

absl::Duration Group::evaluation_time() const {
  util::ReaderMutexLock lock(&status_mu_);
  return evaluation_time_;
}

absl::Time Group::last_evaluation() const {
  util::ReaderMutexLock lock(&status_mu_);
  return last_evaluation_;
}

}  // namespace sextant::rules

#include "rules/eval_storage.h"

#include <set>
#include <utility>

#include "tsdb/merge.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace sextant::rules {
namespace {

// A querier that answers from the pending samples and the base storage together.
class MergedQuerier final : public tsdb::Querier {
 public:
  MergedQuerier(std::unique_ptr<tsdb::Querier> pending, std::unique_ptr<tsdb::Querier> base,
                int64_t mint, int64_t maxt)
      : Querier(mint, maxt), pending_(std::move(pending)), base_(std::move(base)) {}

  std::unique_ptr<tsdb::SeriesSet> Select(std::span<const model::Matcher> matchers,
                                          const tsdb::SelectHints* hints) override {
    std::vector<std::unique_ptr<tsdb::SeriesSet>> sets;
    sets.push_back(pending_->Select(matchers, hints));
    sets.push_back(base_->Select(matchers, hints));
    return tsdb::MergeSeriesSets(std::move(sets));
  }

  absl::StatusOr<std::vector<std::string>> LabelNames(
      std::span<const model::Matcher> matchers) override {
    ASSIGN_OR_RETURN(std::vector<std::string> a, pending_->LabelNames(matchers));
    ASSIGN_OR_RETURN(std::vector<std::string> b, base_->LabelNames(matchers));
    return Union(std::move(a), std::move(b));
  }

  absl::StatusOr<std::vector<std::string>> LabelValues(
      std::string_view name, std::span<const model::Matcher> matchers) override {
    ASSIGN_OR_RETURN(std::vector<std::string> a, pending_->LabelValues(name, matchers));
    ASSIGN_OR_RETURN(std::vector<std::string> b, base_->LabelValues(name, matchers));
    return Union(std::move(a), std::move(b));
  }

 private:
  static std::vector<std::string> Union(std::vector<std::string> a, std::vector<std::string> b) {
    std::set<std::string> all(a.begin(), a.end());
    all.insert(b.begin(), b.end());
    return {all.begin(), all.end()};
  }

  std::unique_ptr<tsdb::Querier> pending_;
  std::unique_ptr<tsdb::Querier> base_;
};

}  // namespace

class EvalStorage::Merged final : public tsdb::Storage {
 public:
  Merged(tsdb::Storage* pending, tsdb::Storage* base) : pending_(pending), base_(base) {}

  std::unique_ptr<tsdb::Appender> NewAppender() override { return base_->NewAppender(); }

  absl::StatusOr<std::unique_ptr<tsdb::Querier>> NewQuerier(int64_t mint, int64_t maxt) override {
    ASSIGN_OR_RETURN(std::unique_ptr<tsdb::Querier> p, pending_->NewQuerier(mint, maxt));
    ASSIGN_OR_RETURN(std::unique_ptr<tsdb::Querier> b, base_->NewQuerier(mint, maxt));
    return std::make_unique<MergedQuerier>(std::move(p), std::move(b), mint, maxt);
  }

  int64_t StartTime() override { return std::min(pending_->StartTime(), base_->StartTime()); }

 private:
  tsdb::Storage* const pending_;
  tsdb::Storage* const base_;
};

EvalStorage::EvalStorage(tsdb::Storage* base)
    : base_(base), merged_(std::make_unique<Merged>(&pending_, base)) {}

absl::Status EvalStorage::Append(const model::Labels& labels, int64_t t, double v) {
  if (app_ == nullptr) app_ = base_->NewAppender();
  absl::StatusOr<tsdb::SeriesRef> ref = app_->Append(0, labels, t, v);
  if (!ref.ok()) return ref.status();
  // The pending copy holds one evaluation's samples; it refuses nothing the real one took
  // except a repeat of the same series, which then keeps its first value, as the storage would.
  if (pending_app_ == nullptr) pending_app_ = pending_.NewAppender();
  if (pending_app_->Append(0, labels, t, v).ok()) {
    pending_names_.emplace(labels.MetricName());
  }
  return absl::OkStatus();
}

absl::Status EvalStorage::Commit() {
  if (app_ == nullptr) return absl::OkStatus();
  absl::Status st = app_->Commit();
  app_.reset();
  return st;
}

tsdb::Storage& EvalStorage::StorageFor(const promql::Expr& expr) {
  if (pending_app_ != nullptr) {
    // Make what was appended so far visible to the pending copy's queriers.
    pending_app_->Commit().IgnoreError();  // MemStorage's commit cannot fail
    pending_app_.reset();
  }
  if (pending_names_.empty() || !MayRead(expr)) return *base_;
  return *merged_;
}

bool EvalStorage::MayRead(const promql::Expr& expr) const {
  if (expr.kind() == promql::ExprKind::kVectorSelector) {
    const auto& sel = static_cast<const promql::VectorSelector&>(expr);
    for (const std::string& name : pending_names_) {
      bool all = true;
      for (const model::Matcher& m : sel.matchers) {
        if (m.name() == model::kMetricNameLabel && !m.Matches(name)) {
          all = false;
          break;
        }
      }
      if (all) return true;
    }
    return false;
  }
  for (const promql::Expr* child : promql::Children(expr)) {
    if (MayRead(*child)) return true;
  }
  return false;
}

}  // namespace sextant::rules

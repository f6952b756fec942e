#include "tsdb/mem_storage.h"

#include <algorithm>
#include <bit>
#include <set>
#include <utility>

#include "model/timestamp.h"
#include "tsdb/list_series.h"

namespace sextant::tsdb {

class MemAppender final : public Appender {
 public:
  explicit MemAppender(MemStorage* storage) : storage_(storage) {}

  absl::StatusOr<SeriesRef> Append(SeriesRef, const model::Labels& labels, int64_t t,
                                   double v) override {
    if (labels.empty()) return absl::InvalidArgumentError("empty labelset");
    model::Sample last;
    bool have_last = false;
    for (auto it = pending_.rbegin(); it != pending_.rend(); ++it) {
      if (it->first == labels) {
        last = it->second;
        have_last = true;
        break;
      }
    }
    SeriesRef ref = 0;
    {
      util::MutexLock lock(&storage_->mu_);
      auto [it, inserted] = storage_->series_.try_emplace(labels);
      if (inserted) it->second.ref = storage_->next_ref_++;
      ref = it->second.ref;
      if (!have_last && !it->second.samples.empty()) {
        last = it->second.samples.back();
        have_last = true;
      }
    }
    if (have_last) {
      if (t < last.t) return MakeAppendError(AppendError::kOutOfOrder);
      if (t == last.t) {
        if (std::bit_cast<uint64_t>(v) != std::bit_cast<uint64_t>(last.v)) {
          return MakeAppendError(AppendError::kDuplicate);
        }
        return ref;
      }
    }
    pending_.emplace_back(labels, model::Sample{t, v});
    return ref;
  }

  absl::Status Commit() override {
    util::MutexLock lock(&storage_->mu_);
    for (auto& [labels, sample] : pending_) {
      auto& samples = storage_->series_[labels].samples;
      if (!samples.empty() && samples.back().t >= sample.t) continue;  // lost a race
      samples.push_back(sample);
    }
    pending_.clear();
    return absl::OkStatus();
  }

  void Rollback() override { pending_.clear(); }

 private:
  MemStorage* storage_;
  std::vector<std::pair<model::Labels, model::Sample>> pending_;
};

class MemQuerier final : public Querier {
 public:
  MemQuerier(MemStorage* storage, int64_t mint, int64_t maxt)
      : Querier(mint, maxt), storage_(storage) {}

  std::unique_ptr<SeriesSet> Select(std::span<const model::Matcher> matchers,
                                    const SelectHints*) override {
    std::vector<std::unique_ptr<Series>> out;
    util::ReaderMutexLock lock(&storage_->mu_);
    for (const auto& [labels, stored] : storage_->series_) {
      if (!MatchesAll(labels, matchers)) continue;
      auto in_range = Window(stored.samples);
      if (in_range.empty()) continue;
      out.push_back(std::make_unique<ListSeries>(
          labels, std::make_shared<const std::vector<model::Sample>>(std::move(in_range))));
    }
    return std::make_unique<ListSeriesSet>(std::move(out));
  }

  absl::StatusOr<std::vector<std::string>> LabelNames(
      std::span<const model::Matcher> matchers) override {
    std::set<std::string> names;
    ForEachMatching(matchers, [&](const model::Labels& labels) {
      for (const model::Label& l : labels) names.emplace(l.name);
    });
    return std::vector<std::string>(names.begin(), names.end());
  }

  absl::StatusOr<std::vector<std::string>> LabelValues(
      std::string_view name, std::span<const model::Matcher> matchers) override {
    std::set<std::string> values;
    ForEachMatching(matchers, [&](const model::Labels& labels) {
      std::string_view v = labels.Get(name);
      if (!v.empty()) values.emplace(v);
    });
    return std::vector<std::string>(values.begin(), values.end());
  }

 private:
  std::vector<model::Sample> Window(const std::vector<model::Sample>& samples) const {
    std::vector<model::Sample> out;
    for (const model::Sample& s : samples) {
      if (s.t >= mint() && s.t <= maxt()) out.push_back(s);
    }
    return out;
  }

  template <typename Fn>
  void ForEachMatching(std::span<const model::Matcher> matchers, Fn fn) {
    util::ReaderMutexLock lock(&storage_->mu_);
    for (const auto& [labels, stored] : storage_->series_) {
      if (MatchesAll(labels, matchers) && !Window(stored.samples).empty()) fn(labels);
    }
  }

  MemStorage* storage_;
};

std::unique_ptr<Appender> MemStorage::NewAppender() { return std::make_unique<MemAppender>(this); }

absl::StatusOr<std::unique_ptr<Querier>> MemStorage::NewQuerier(int64_t mint, int64_t maxt) {
  if (mint > maxt) return absl::InvalidArgumentError("querier: mint after maxt");
  return std::make_unique<MemQuerier>(this, mint, maxt);
}

int64_t MemStorage::StartTime() {
  util::ReaderMutexLock lock(&mu_);
  int64_t start = model::kMaxTimestamp;
  for (const auto& [labels, stored] : series_) {
    if (!stored.samples.empty()) start = std::min(start, stored.samples.front().t);
  }
  return start;
}

absl::Status MemStorage::Add(const model::Labels& labels, int64_t t, double v) {
  MemAppender app(this);
  if (auto ref = app.Append(0, labels, t, v); !ref.ok()) return ref.status();
  return app.Commit();
}

}  // namespace sextant::tsdb

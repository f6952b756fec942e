#include "tsdb/merge.h"

#include <algorithm>
#include <utility>

namespace sextant::tsdb {
namespace {

class MergingIterator final : public SeriesIterator {
 public:
  explicit MergingIterator(std::vector<std::unique_ptr<SeriesIterator>> its)
      : its_(std::move(its)), valid_(its_.size(), false) {}

  bool Next() override {
    if (!started_) {
      started_ = true;
      for (size_t i = 0; i < its_.size(); ++i) valid_[i] = its_[i]->Next();
    } else {
      // Advance every input sitting on the current timestamp (duplicates included).
      for (size_t i = 0; i < its_.size(); ++i) {
        if (valid_[i] && its_[i]->t() == t_) valid_[i] = its_[i]->Next();
      }
    }
    return Pick();
  }

  bool Seek(int64_t t) override {
    if (started_ && current_ >= 0 && t_ >= t) return true;
    started_ = true;
    for (size_t i = 0; i < its_.size(); ++i) valid_[i] = its_[i]->Seek(t);
    return Pick();
  }

  int64_t t() const override { return t_; }
  double v() const override { return v_; }
  absl::Status status() const override {
    for (const auto& it : its_) {
      if (absl::Status s = it->status(); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

 private:
  bool Pick() {
    current_ = -1;
    for (size_t i = 0; i < its_.size(); ++i) {
      if (!valid_[i]) continue;
      if (current_ < 0 || its_[i]->t() < t_) {
        current_ = static_cast<int>(i);
        t_ = its_[i]->t();
      }
    }
    if (current_ < 0) return false;
    v_ = its_[current_]->v();
    return true;
  }

  std::vector<std::unique_ptr<SeriesIterator>> its_;
  std::vector<bool> valid_;
  bool started_ = false;
  int current_ = -1;
  int64_t t_ = 0;
  double v_ = 0;
};

class MergedSeries final : public Series {
 public:
  MergedSeries(const model::Labels& labels, std::vector<const Series*> parts)
      : labels_(labels), parts_(std::move(parts)) {}
  const model::Labels& labels() const override { return labels_; }
  std::unique_ptr<SeriesIterator> Iterator() const override {
    std::vector<std::unique_ptr<SeriesIterator>> its;
    its.reserve(parts_.size());
    for (const Series* s : parts_) its.push_back(s->Iterator());
    return MergeIterators(std::move(its));
  }
  // The parts one after another when their time ranges follow each other (partitions and the
  // head, the usual case); merged sample by sample when they overlap.
  absl::Status AppendSamples(int64_t mint, int64_t maxt,
                             std::vector<model::Sample>* out) const override {
    const size_t start = out->size();
    bool ordered = true;
    for (const Series* s : parts_) {
      const size_t before = out->size();
      if (absl::Status st = s->AppendSamples(mint, maxt, out); !st.ok()) return st;
      if (before > start && out->size() > before && (*out)[before].t <= (*out)[before - 1].t) {
        ordered = false;
        break;
      }
    }
    if (ordered) return absl::OkStatus();
    out->resize(start);
    return Series::AppendSamples(mint, maxt, out);
  }

 private:
  model::Labels labels_;
  std::vector<const Series*> parts_;  // owned by the input sets, which stay on them until Next()
};

class MergingSeriesSet final : public SeriesSet {
 public:
  explicit MergingSeriesSet(std::vector<std::unique_ptr<SeriesSet>> sets)
      : sets_(std::move(sets)), valid_(sets_.size(), false) {}

  bool Next() override {
    if (!status_.ok()) return false;
    if (!started_) {
      started_ = true;
      for (size_t i = 0; i < sets_.size(); ++i) Advance(i);
    } else {
      for (size_t i : current_) Advance(i);
    }
    if (!status_.ok()) return false;
    current_.clear();
    const model::Labels* lowest = nullptr;
    for (size_t i = 0; i < sets_.size(); ++i) {
      if (!valid_[i]) continue;
      const model::Labels& l = sets_[i]->At().labels();
      int cmp = lowest == nullptr ? -1 : l.Compare(*lowest);
      if (cmp < 0) {
        lowest = &l;
        current_.assign(1, i);
      } else if (cmp == 0) {
        current_.push_back(i);
      }
    }
    if (current_.empty()) return false;
    if (current_.size() == 1) {
      single_ = &sets_[current_[0]]->At();
    } else {
      std::vector<const Series*> parts;
      for (size_t i : current_) parts.push_back(&sets_[i]->At());
      merged_ = std::make_unique<MergedSeries>(*lowest, std::move(parts));
      single_ = merged_.get();
    }
    return true;
  }

  const Series& At() const override { return *single_; }
  absl::Status status() const override { return status_; }

 private:
  void Advance(size_t i) {
    valid_[i] = sets_[i]->Next();
    if (!valid_[i] && status_.ok()) status_ = sets_[i]->status();
  }

  std::vector<std::unique_ptr<SeriesSet>> sets_;
  std::vector<bool> valid_;
  std::vector<size_t> current_;
  std::unique_ptr<MergedSeries> merged_;
  const Series* single_ = nullptr;
  bool started_ = false;
  absl::Status status_;
};

}  // namespace

std::unique_ptr<SeriesSet> MergeSeriesSets(std::vector<std::unique_ptr<SeriesSet>> sets) {
  if (sets.empty()) return EmptySeriesSet();
  if (sets.size() == 1) return std::move(sets[0]);
  return std::make_unique<MergingSeriesSet>(std::move(sets));
}

std::unique_ptr<SeriesIterator> MergeIterators(std::vector<std::unique_ptr<SeriesIterator>> its) {
  if (its.size() == 1) return std::move(its[0]);
  return std::make_unique<MergingIterator>(std::move(its));
}

}  // namespace sextant::tsdb

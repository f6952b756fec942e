#pragma once

// Series and series sets backed by plain sample vectors: the building blocks of the in-memory
// storage and of tests, and the shape the merge code produces.

#include <memory>
#include <vector>

#include "model/labels.h"
#include "model/sample.h"
#include "tsdb/storage.h"

namespace sextant::tsdb {

// Iterates samples[begin, end) of a shared, immutable vector sorted by timestamp.
class ListSeriesIterator final : public SeriesIterator {
 public:
  explicit ListSeriesIterator(std::shared_ptr<const std::vector<model::Sample>> samples,
                              size_t begin = 0, size_t end = SIZE_MAX);
  bool Next() override;
  bool Seek(int64_t t) override;
  int64_t t() const override { return (*samples_)[pos_].t; }
  double v() const override { return (*samples_)[pos_].v; }
  absl::Status status() const override { return absl::OkStatus(); }

 private:
  std::shared_ptr<const std::vector<model::Sample>> samples_;
  size_t begin_;
  size_t end_;
  size_t pos_;
  bool started_ = false;
};

// A series whose samples are a shared vector, restricted to [mint, maxt].
class ListSeries final : public Series {
 public:
  ListSeries(model::Labels labels, std::shared_ptr<const std::vector<model::Sample>> samples,
             int64_t mint = INT64_MIN, int64_t maxt = INT64_MAX);
  const model::Labels& labels() const override { return labels_; }
  std::unique_ptr<SeriesIterator> Iterator() const override;
  absl::Status AppendSamples(int64_t mint, int64_t maxt,
                             std::vector<model::Sample>* out) const override;
  // Whether any sample falls in the range.
  bool empty() const { return begin_ >= end_; }

 private:
  model::Labels labels_;
  std::shared_ptr<const std::vector<model::Sample>> samples_;
  size_t begin_;
  size_t end_;
};

// Yields the given series in order. Precondition: sorted by labels, unique.
class ListSeriesSet final : public SeriesSet {
 public:
  explicit ListSeriesSet(std::vector<std::unique_ptr<Series>> series)
      : series_(std::move(series)) {}
  bool Next() override { return ++pos_ < series_.size(); }
  const Series& At() const override { return *series_[pos_]; }
  absl::Status status() const override { return absl::OkStatus(); }

 private:
  std::vector<std::unique_ptr<Series>> series_;
  size_t pos_ = SIZE_MAX;  // before the first; ++ wraps to 0
};

}  // namespace sextant::tsdb

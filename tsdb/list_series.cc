#include "tsdb/list_series.h"

#include <algorithm>
#include <utility>

namespace sextant::tsdb {

ListSeriesIterator::ListSeriesIterator(std::shared_ptr<const std::vector<model::Sample>> samples,
                                       size_t begin, size_t end)
    : samples_(std::move(samples)),
      begin_(begin),
      end_(std::min(end, samples_->size())),
      pos_(begin) {}

bool ListSeriesIterator::Next() {
  if (!started_) {
    started_ = true;
    pos_ = begin_;
  } else if (pos_ < end_) {
    ++pos_;
  }
  return pos_ < end_;
}

bool ListSeriesIterator::Seek(int64_t t) {
  if (!started_) {
    started_ = true;
    pos_ = begin_;
  }
  if (pos_ >= end_) return false;
  if ((*samples_)[pos_].t >= t) return true;
  auto first = samples_->begin() + static_cast<std::ptrdiff_t>(pos_);
  auto last = samples_->begin() + static_cast<std::ptrdiff_t>(end_);
  auto it =
      std::lower_bound(first, last, t, [](const model::Sample& s, int64_t ts) { return s.t < ts; });
  pos_ = static_cast<size_t>(it - samples_->begin());
  return pos_ < end_;
}

ListSeries::ListSeries(model::Labels labels,
                       std::shared_ptr<const std::vector<model::Sample>> samples, int64_t mint,
                       int64_t maxt)
    : labels_(std::move(labels)), samples_(std::move(samples)) {
  auto by_t = [](const model::Sample& s, int64_t ts) { return s.t < ts; };
  begin_ = static_cast<size_t>(std::lower_bound(samples_->begin(), samples_->end(), mint, by_t) -
                               samples_->begin());
  end_ = maxt == INT64_MAX ? samples_->size()
                           : static_cast<size_t>(std::lower_bound(samples_->begin(),
                                                                  samples_->end(), maxt + 1, by_t) -
                                                 samples_->begin());
}

absl::Status ListSeries::AppendSamples(int64_t mint, int64_t maxt,
                                       std::vector<model::Sample>* out) const {
  auto by_t = [](const model::Sample& s, int64_t ts) { return s.t < ts; };
  const auto first = samples_->begin() + static_cast<std::ptrdiff_t>(begin_);
  const auto last = samples_->begin() + static_cast<std::ptrdiff_t>(end_);
  const auto from = std::lower_bound(first, last, mint, by_t);
  const auto to = maxt == INT64_MAX ? last : std::lower_bound(from, last, maxt + 1, by_t);
  out->insert(out->end(), from, to);
  return absl::OkStatus();
}

std::unique_ptr<SeriesIterator> ListSeries::Iterator() const {
  return std::make_unique<ListSeriesIterator>(samples_, begin_, end_);
}

}  // namespace sextant::tsdb

#include "tsdb/storage.h"

#include <utility>

namespace sextant::tsdb {
namespace {

constexpr char kOutOfOrder[] = "out of order sample";
constexpr char kDuplicate[] = "duplicate sample for timestamp";
constexpr char kOutOfBounds[] = "out of bounds";

class StaticSeriesSet final : public SeriesSet {
 public:
  explicit StaticSeriesSet(absl::Status status) : status_(std::move(status)) {}
  bool Next() override { return false; }
  const Series& At() const override { std::abort(); }  // never valid: Next() is always false
  absl::Status status() const override { return status_; }

 private:
  absl::Status status_;
};

}  // namespace

absl::Status Series::AppendSamples(int64_t mint, int64_t maxt,
                                   std::vector<model::Sample>* out) const {
  std::unique_ptr<SeriesIterator> it = Iterator();
  if (it->Seek(mint)) {
    do {
      if (it->t() > maxt) break;
      out->push_back(model::Sample{it->t(), it->v()});
    } while (it->Next());
  }
  return it->status();
}

absl::Status MakeAppendError(AppendError kind) {
  switch (kind) {
    case AppendError::kOutOfOrder:
      return absl::InvalidArgumentError(kOutOfOrder);
    case AppendError::kDuplicate:
      return absl::InvalidArgumentError(kDuplicate);
    case AppendError::kOutOfBounds:
      return absl::InvalidArgumentError(kOutOfBounds);
    case AppendError::kNone:
      return absl::OkStatus();
    case AppendError::kOther:
      break;
  }
  return absl::InvalidArgumentError("append failed");
}

AppendError AppendErrorOf(const absl::Status& status) {
  if (status.ok()) return AppendError::kNone;
  if (status.code() == absl::StatusCode::kInvalidArgument) {
    std::string_view msg(status.message().data(), status.message().size());
    if (msg == kOutOfOrder) return AppendError::kOutOfOrder;
    if (msg == kDuplicate) return AppendError::kDuplicate;
    if (msg == kOutOfBounds) return AppendError::kOutOfBounds;
  }
  return AppendError::kOther;
}

absl::Status ReadAll(SeriesIterator& it, std::vector<model::Sample>* out) {
  while (it.Next()) out->push_back({it.t(), it.v()});
  return it.status();
}

std::unique_ptr<SeriesSet> EmptySeriesSet() {
  return std::make_unique<StaticSeriesSet>(absl::OkStatus());
}

std::unique_ptr<SeriesSet> ErrorSeriesSet(absl::Status status) {
  return std::make_unique<StaticSeriesSet>(std::move(status));
}

bool MatchesAll(const model::Labels& labels, std::span<const model::Matcher> matchers) {
  for (const model::Matcher& m : matchers) {
    if (!m.Matches(labels.Get(m.name()))) return false;
  }
  return true;
}

}  // namespace sextant::tsdb

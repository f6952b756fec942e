// The head's Querier: postings select refs, each series contributes a snapshot of its chunks.

#include <algorithm>
#include <set>
#include <utility>

#include "tsdb/head/chunk_iterator.h"
#include "tsdb/head/head.h"
#include "tsdb/list_series.h"

namespace sextant::tsdb::head {
namespace {

class HeadSeries final : public Series {
 public:
  HeadSeries(model::Labels labels, std::shared_ptr<const ChunkSnapshot> chunks,
             std::shared_ptr<const Intervals> deleted, int64_t mint, int64_t maxt)
      : labels_(std::move(labels)),
        chunks_(std::move(chunks)),
        deleted_(std::move(deleted)),
        mint_(mint),
        maxt_(maxt) {}
  const model::Labels& labels() const override { return labels_; }
  std::unique_ptr<SeriesIterator> Iterator() const override {
    return std::make_unique<ChunkSeriesIterator>(chunks_, deleted_, mint_, maxt_);
  }
  // The same iterator, called directly rather than through SeriesIterator.
  absl::Status AppendSamples(int64_t mint, int64_t maxt,
                             std::vector<model::Sample>* out) const override {
    ChunkSeriesIterator it(chunks_, deleted_, std::max(mint, mint_), std::min(maxt, maxt_));
    while (it.Next()) out->push_back(model::Sample{it.t(), it.v()});
    return it.status();
  }

 private:
  model::Labels labels_;
  std::shared_ptr<const ChunkSnapshot> chunks_;
  std::shared_ptr<const Intervals> deleted_;
  int64_t mint_;
  int64_t maxt_;
};

}  // namespace

class HeadQuerier final : public Querier {
 public:
  HeadQuerier(Head* head, int64_t mint, int64_t maxt) : Querier(mint, maxt), head_(head) {}

  std::unique_ptr<SeriesSet> Select(std::span<const model::Matcher> matchers,
                                    const SelectHints* hints) override {
    if (!Overlaps()) return EmptySeriesSet();
    bool labels_only = hints != nullptr && hints->func == "series";
    std::vector<std::unique_ptr<Series>> out;
    for (SeriesRef ref : index::PostingsForMatchers(head_->postings_, matchers)) {
      auto s = head_->GetByRef(ref);
      if (s == nullptr) continue;
      auto snap = std::make_shared<ChunkSnapshot>(
          labels_only ? ChunkSnapshot{} : s->Snapshot(mint(), maxt(), head_->chunk_mapper()));
      if (labels_only ? (s->max_time() < mint() || s->min_time() > maxt()) : snap->empty()) {
        continue;
      }
      auto deleted = head_->DeletedOf(ref);
      // A chunk whose first or last sample lies in the range shows a sample; only chunks that
      // straddle the range (or deletions) leave it open.
      auto shows_sample = [&](const ChunkRef& c) {
        return (c.mint >= mint() && c.mint <= maxt()) || (c.maxt >= mint() && c.maxt <= maxt());
      };
      if (!labels_only && (deleted != nullptr ||
                           std::none_of(snap->chunks.begin(), snap->chunks.end(), shows_sample))) {
        // Chunks overlap the range but their samples might not (or all be deleted): only series
        // with a sample to show are returned.
        ChunkSeriesIterator probe(snap, deleted, mint(), maxt());
        if (!probe.Next() && probe.status().ok()) continue;
      }
      out.push_back(std::make_unique<HeadSeries>(head_->symbols_.Resolve(s->label_ids()),
                                                 std::move(snap), std::move(deleted), mint(),
                                                 maxt()));
    }
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return a->labels() < b->labels(); });
    return std::make_unique<ListSeriesSet>(std::move(out));
  }

  absl::StatusOr<std::vector<std::string>> LabelNames(
      std::span<const model::Matcher> matchers) override {
    if (!Overlaps()) return std::vector<std::string>();
    if (matchers.empty()) return head_->postings_.LabelNames();
    std::set<std::string> names;
    ForEachMatching(matchers, [&](const model::Labels& labels) {
      for (const model::Label& l : labels) names.emplace(l.name);
    });
    return std::vector<std::string>(names.begin(), names.end());
  }

  absl::StatusOr<std::vector<std::string>> LabelValues(
      std::string_view name, std::span<const model::Matcher> matchers) override {
    if (!Overlaps()) return std::vector<std::string>();
    if (matchers.empty()) return head_->postings_.LabelValues(name);
    std::set<std::string> values;
    ForEachMatching(matchers, [&](const model::Labels& labels) {
      if (std::string_view v = labels.Get(name); !v.empty()) values.emplace(v);
    });
    return std::vector<std::string>(values.begin(), values.end());
  }

 private:
  bool Overlaps() const { return head_->max_time() >= mint() && head_->min_time() <= maxt(); }

  template <typename Fn>
  void ForEachMatching(std::span<const model::Matcher> matchers, Fn fn) {
    for (SeriesRef ref : index::PostingsForMatchers(head_->postings_, matchers)) {
      auto s = head_->GetByRef(ref);
      if (s == nullptr || s->max_time() < mint() || s->min_time() > maxt()) continue;
      fn(head_->symbols_.Resolve(s->label_ids()));
    }
  }

  Head* head_;
};

absl::StatusOr<std::unique_ptr<Querier>> Head::NewQuerier(int64_t mint, int64_t maxt) {
  if (mint > maxt) return absl::InvalidArgumentError("querier: mint after maxt");
  return std::make_unique<HeadQuerier>(this, mint, maxt);
}

}  // namespace sextant::tsdb::head

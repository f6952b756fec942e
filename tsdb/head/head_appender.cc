// The head's Appender: buffers samples, logs them to the WAL on Commit(), then applies them.

#include <algorithm>
#include <bit>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "tsdb/head/head.h"
#include "tsdb/head/head_metrics.h"
#include "tsdb/wal/record.h"
#include "tsdb/wal/wal.h"

namespace sextant::tsdb::head {

class HeadAppender final : public Appender {
 public:
  explicit HeadAppender(Head* head) : head_(head) {
    head_->metrics_->active_appenders->Inc();
    // A scrape loop makes one appender per scrape: reuse this thread's last buffer rather than
    // growing a new one every time.
    samples_.swap(SpareBuffer());
    // Prometheus: nothing older than half a chunk range behind the newest sample, and nothing in
    // a range that was already compacted.
    int64_t max_t = head_->max_time();
    min_valid_ = head_->min_valid_time();
    if (max_t != INT64_MIN) min_valid_ = std::max(min_valid_, max_t - head_->chunk_range() / 2);
  }
  ~HeadAppender() override {
    Rollback();
    if (samples_.capacity() > SpareBuffer().capacity()) samples_.swap(SpareBuffer());
    head_->metrics_->active_appenders->Dec();
  }

  absl::StatusOr<SeriesRef> Append(SeriesRef ref, const model::Labels& labels, int64_t t,
                                   double v) override {
    if (t < min_valid_) {
      head_->metrics_->out_of_bound->Inc();
      return MakeAppendError(AppendError::kOutOfBounds);
    }
    // From the first Append to Commit()/Rollback() the appender holds the head's gate, which
    // keeps garbage collection out: the plain series pointers it keeps stay valid.
    EnterGate();
    MemSeries* series = ref != 0 ? head_->FindForAppend(ref) : nullptr;
    if (series == nullptr) {
      if (labels.empty()) return absl::InvalidArgumentError("empty labelset");
      series = head_->FindOrCreateForAppend(labels);
    }
    AppendError err = AppendError::kNone;
    bool same = false;
    if (!samples_.empty() && samples_.back().series == series) {
      // The same series twice in a row: order against the pending sample. (Repeats further apart
      // are caught at Commit(), as in Prometheus.)
      const Pending& prev = samples_.back();
      if (t < prev.t) {
        err = AppendError::kOutOfOrder;
      } else if (t == prev.t) {
        same = std::bit_cast<uint64_t>(v) == std::bit_cast<uint64_t>(prev.v);
        if (!same) err = AppendError::kDuplicate;
      }
    } else {
      err = series->Check(t, v, &same);
    }
    if (err != AppendError::kNone || same) {
      if (err == AppendError::kOutOfOrder) head_->metrics_->out_of_order->Inc();
      if (err != AppendError::kNone) return MakeAppendError(err);
      return series->ref();
    }
    // The ref and the WAL state are read now, while the series is in cache, so that Commit() needs
    // not touch every series twice.
    samples_.push_back(
        {series, series->ref(), t, v, !series->logged.load(std::memory_order_acquire)});
    return series->ref();
  }

  absl::Status Commit() override {
    if (samples_.empty()) {
      Release();
      return absl::OkStatus();
    }
    absl::Status logged = LogToWal();
    if (!logged.ok()) {
      Rollback();
      return logged;
    }
    int64_t mint = INT64_MAX, maxt = INT64_MIN;
    uint64_t appended = 0, out_of_order = 0, out_of_bound = 0;
    const int64_t min_valid = head_->min_valid_time();
    ChunkDiskMapper* const mapper = head_->chunk_mapper();
    for (size_t i = 0; i < samples_.size(); ++i) {
      // Each sample is another series, its memory likely out of cache: fetch ahead.
      if (i + 8 < samples_.size()) samples_[i + 8].series->Prefetch();
      const Pending& p = samples_[i];
      if (p.t < min_valid) {
        ++out_of_bound;  // the head was compacted past it since Append()
        continue;
      }
      AppendError err = p.series->Append(p.t, p.v, head_->chunk_range(),
                                         head_->options_.samples_per_chunk, mapper);
      if (err == AppendError::kNone) {
        ++appended;
        mint = std::min(mint, p.t);
        maxt = std::max(maxt, p.t);
      } else {
        ++out_of_order;  // lost a race with another appender on the same series
      }
    }
    if (appended > 0) head_->NoteTimes(mint, maxt);
    head_->metrics_->samples_appended->Inc(static_cast<double>(appended));
    if (out_of_order > 0) head_->metrics_->out_of_order->Inc(static_cast<double>(out_of_order));
    if (out_of_bound > 0) head_->metrics_->out_of_bound->Inc(static_cast<double>(out_of_bound));
    Release();
    return absl::OkStatus();
  }

  void Rollback() override { Release(); }

 private:
  struct Pending {
    MemSeries* series;  // valid while the appender holds the gate
    SeriesRef ref;
    int64_t t;
    double v;
    bool unlogged;  // the series record was not in the WAL yet at Append()
  };

  absl::Status LogToWal() {
    wal::Wal* w = head_->wal();
    if (w == nullptr) return absl::OkStatus();
    // Series whose record has not reached the WAL yet (new ones, or ones whose first commit
    // failed) go first, each once.
    std::vector<MemSeries*> to_mark;
    for (const Pending& p : samples_) {
      if (p.unlogged && !p.series->logged.load(std::memory_order_acquire)) {
        to_mark.push_back(p.series);
      }
    }
    std::sort(to_mark.begin(), to_mark.end());
    to_mark.erase(std::unique(to_mark.begin(), to_mark.end()), to_mark.end());
    std::vector<wal::RefSeries> new_series;
    new_series.reserve(to_mark.size());
    for (MemSeries* series : to_mark) {
      new_series.push_back({series->ref(), head_->symbols_.Resolve(series->label_ids())});
    }
    // Per-thread scratch: a scrape loop commits every interval; reusing the buffers spares
    // allocations proportional to the samples.
    thread_local std::vector<wal::RefSample> samples;
    thread_local std::vector<std::string> records;
    samples.clear();
    records.clear();
    samples.reserve(samples_.size());
    int64_t max_t = INT64_MIN;  // for the WAL's position index (replay points)
    for (const Pending& p : samples_) {
      samples.push_back({p.ref, p.t, p.v});
      max_t = std::max(max_t, p.t);
    }
    if (!new_series.empty()) {
      std::sort(new_series.begin(), new_series.end(),
                [](const wal::RefSeries& a, const wal::RefSeries& b) { return a.ref < b.ref; });
      wal::EncodeSeries(new_series, &records.emplace_back());
    }
    wal::EncodeSamples(samples, &records.emplace_back());
    if (absl::Status s = w->Log(records, max_t); !s.ok()) return s;
    for (MemSeries* s : to_mark) s->logged.store(true, std::memory_order_release);
    return absl::OkStatus();
  }

  static std::vector<Pending>& SpareBuffer() {
    thread_local std::vector<Pending> spare;
    return spare;
  }

  void EnterGate() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    if (in_gate_) return;
    head_->gc_gate_.EnterShared();
    in_gate_ = true;
  }

  void Release() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    samples_.clear();
    if (in_gate_) {
      head_->gc_gate_.ExitShared();
      in_gate_ = false;
    }
  }

  Head* head_;
  bool in_gate_ = false;
  int64_t min_valid_;
  std::vector<Pending> samples_;
};

std::unique_ptr<Appender> Head::NewAppender() { return std::make_unique<HeadAppender>(this); }

}  // namespace sextant::tsdb::head

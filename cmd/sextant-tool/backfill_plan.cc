#include "cmd/sextant-tool/backfill_plan.h"

#include <algorithm>
#include <bit>
#include <deque>
#include <limits>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "model/labels.h"
#include "scrape/parser/openmetrics_parser.h"
#include "util/go_format.h"
#include "util/strings.h"

namespace sextant::tool {
namespace {

// promtool's BlockWriter commits its appender every 5000 appended samples.
constexpr size_t kCommitBatch = 5000;
constexpr uint32_t kBadLabels = std::numeric_limits<uint32_t>::max();

struct Record {
  uint32_t series;  // index into the series table, or kBadLabels
  int32_t line;
  int64_t t;
  double v;
};

absl::Status Error(std::string_view prefix, int line, std::string_view message) {
  return absl::InvalidArgumentError(
      util::ToAbsl(util::StrCat(prefix, "line ", line, ": ", message)));
}

// Label sets seen so far, by a canonical key built without allocating.
class SeriesTable {
 public:
  // `sorted`: by name, unique. Returns the set's index, adding it when new.
  uint32_t Intern(std::span<const model::Label> sorted) {
    key_.clear();
    for (const model::Label& l : sorted) {
      // 0xff and 0xfe never occur in UTF-8, so the key is unambiguous.
      util::StrAppend(&key_, l.name, '\xff', l.value, '\xfe');
    }
    auto it = index_.find(std::string_view(key_));
    if (it != index_.end()) return it->second;
    const uint32_t id = static_cast<uint32_t>(labels_.size());
    keys_.push_back(key_);
    index_.emplace(std::string_view(keys_.back()), id);
    labels_.push_back(model::Labels::FromSorted(sorted));
    return id;
  }
  const model::Labels& labels(uint32_t id) const { return labels_[id]; }
  size_t size() const { return labels_.size(); }

 private:
  std::string key_;
  std::deque<std::string> keys_;  // stable storage for the map's views
  absl::flat_hash_map<std::string_view, uint32_t> index_;
  std::vector<model::Labels> labels_;
};

struct Parsed {
  std::vector<Record> records;  // in file order
  SeriesTable series;
  // Samples whose label names repeat: promtool fails on them only when it appends them.
  absl::flat_hash_map<size_t, std::string> bad_labels;  // record index -> label name
  int64_t mint = std::numeric_limits<int64_t>::max();
  int64_t maxt = std::numeric_limits<int64_t>::min();
};

absl::StatusOr<Parsed> ParseAll(std::string_view input) {
  Parsed out;
  scrape::OpenMetricsParser p(input);
  std::vector<model::Label> labels;
  std::vector<std::string> normalized;
  while (true) {
    const scrape::Entry e = p.Next();
    if (e == scrape::Entry::kEof) break;
    if (e == scrape::Entry::kError) {
      return absl::InvalidArgumentError(util::ToAbsl(util::StrCat(
          "getting min and max timestamp: next: ", util::FromAbsl(p.status().message()))));
    }
    if (e != scrape::Entry::kSeries) continue;
    const std::optional<int64_t> ts = p.timestamp();
    if (!ts.has_value()) {
      return Error("getting min and max timestamp: ", p.line(),
                   "expected timestamp for series got none");
    }
    const std::span<const model::Label> parsed = p.labels();
    if (normalized.size() < parsed.size()) normalized.resize(parsed.size());
    labels.clear();
    labels.push_back({model::kMetricNameLabel, p.metric_name()});
    for (size_t i = 0; i < parsed.size(); ++i) {
      const std::string_view value = scrape::NormalizeLabelValue(p.metric_type(), parsed[i].name,
                                                                 parsed[i].value, &normalized[i]);
      if (!value.empty()) labels.push_back({parsed[i].name, value});  // "" = no label
    }
    std::sort(labels.begin(), labels.end(),
              [](const model::Label& a, const model::Label& b) { return a.name < b.name; });
    bool duplicate = false;
    for (size_t i = 1; i < labels.size() && !duplicate; ++i) {
      if (labels[i].name == labels[i - 1].name) {
        out.bad_labels.emplace(out.records.size(), std::string(labels[i].name));
        duplicate = true;
      }
    }
    const uint32_t series = duplicate ? kBadLabels : out.series.Intern(labels);
    out.records.push_back({series, p.line(), *ts, p.value()});
    out.mint = std::min(out.mint, *ts);
    out.maxt = std::max(out.maxt, *ts);
  }
  return out;
}

// What the head knows of one series in the window being written.
struct SeriesState {
  uint32_t window = 0;  // the window this state belongs to (1-based; 0 = never)
  bool has_last = false;
  int64_t last_t = 0;
  uint64_t last_bits = 0;
  int32_t out = -1;  // index into the window's output series
};

class WindowWriter {
 public:
  WindowWriter(const Parsed& parsed, BackfillPlan* plan)
      : parsed_(parsed), plan_(plan), state_(parsed.series.size()) {}

  // Appends the window's records (indices in file order) as promtool's appender would.
  absl::Status Run(uint32_t window, int64_t start, int64_t end, std::span<const uint32_t> order) {
    window_ = window;
    outputs_.clear();
    pending_.clear();
    for (const uint32_t r : order) {
      const Record& rec = parsed_.records[r];
      if (rec.series == kBadLabels) {
        return Error("block creation: process blocks: add sample: ", rec.line,
                     util::StrCat("label name ", util::QuoteGo(parsed_.bad_labels.at(r)),
                                  " is not unique: invalid sample"));
      }
      SeriesState& s = State(rec.series);
      if (s.has_last) {
        if (rec.t < s.last_t) {
          return Error("block creation: process blocks: add sample: ", rec.line,
                       "out of order sample");
        }
        if (rec.t == s.last_t && std::bit_cast<uint64_t>(rec.v) != s.last_bits) {
          return Error("block creation: process blocks: add sample: ", rec.line,
                       "duplicate sample for timestamp");
        }
      }
      pending_.push_back(r);
      if (pending_.size() == kCommitBatch) Commit();
    }
    Commit();
    PlannedPartition part;
    part.start = start;
    part.end = end;
    part.series = std::move(outputs_);
    std::sort(part.series.begin(), part.series.end(),
              [](const tsdb::partition::SeriesSamples& a, const tsdb::partition::SeriesSamples& b) {
                return a.labels < b.labels;
              });
    if (!part.series.empty()) plan_->partitions.push_back(std::move(part));
    return absl::OkStatus();
  }

 private:
  SeriesState& State(uint32_t series) {
    SeriesState& s = state_[series];
    if (s.window != window_) s = SeriesState{.window = window_};
    return s;
  }

  void Commit() {
    for (const uint32_t r : pending_) {
      const Record& rec = parsed_.records[r];
      SeriesState& s = State(rec.series);
      if (s.has_last && rec.t <= s.last_t) {  // not newer than the head's newest: dropped
        ++plan_->dropped_samples;
        continue;
      }
      if (s.out < 0) {
        s.out = static_cast<int32_t>(outputs_.size());
        outputs_.push_back({parsed_.series.labels(rec.series), {}});
      }
      outputs_[static_cast<size_t>(s.out)].samples.push_back({rec.t, rec.v});
      s.has_last = true;
      s.last_t = rec.t;
      s.last_bits = std::bit_cast<uint64_t>(rec.v);
    }
    pending_.clear();
  }

  const Parsed& parsed_;
  BackfillPlan* plan_;
  std::vector<SeriesState> state_;
  uint32_t window_ = 0;
  std::vector<uint32_t> pending_;
  std::vector<tsdb::partition::SeriesSamples> outputs_;
};

}  // namespace

int64_t BlockDurationFor(int64_t max_block_duration_ms) {
  int64_t duration = kDefaultBlockDurationMs;
  if (max_block_duration_ms > kDefaultBlockDurationMs) {
    int64_t range = kDefaultBlockDurationMs;
    for (int i = 0; i < 10; ++i, range *= 3) {
      if (range > max_block_duration_ms) break;
      duration = range;
    }
  }
  return duration;
}

absl::StatusOr<BackfillPlan> PlanBackfill(std::string_view input, int64_t block_duration_ms) {
  auto parsed = ParseAll(input);
  if (!parsed.ok()) return parsed.status();
  BackfillPlan plan;
  if (parsed->records.empty()) return plan;
  const int64_t block = block_duration_ms;
  // Go's truncating division: for a negative mint the first window starts above it.
  const int64_t first = block * (parsed->mint / block);
  auto window_of = [&](int64_t t) {  // t >= first; unsigned so that huge spans do not overflow
    return (static_cast<uint64_t>(t) - static_cast<uint64_t>(first)) / static_cast<uint64_t>(block);
  };
  std::vector<uint32_t> order;
  order.reserve(parsed->records.size());
  for (size_t i = 0; i < parsed->records.size(); ++i) {
    if (parsed->records[i].t < first) {
      ++plan.skipped_samples;
    } else {
      order.push_back(static_cast<uint32_t>(i));
    }
  }
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return window_of(parsed->records[a].t) < window_of(parsed->records[b].t);
  });
  WindowWriter writer(*parsed, &plan);
  uint32_t window_number = 0;
  for (size_t i = 0; i < order.size();) {
    const uint64_t w = window_of(parsed->records[order[i]].t);
    size_t j = i;
    while (j < order.size() && window_of(parsed->records[order[j]].t) == w) ++j;
    const int64_t start =
        static_cast<int64_t>(static_cast<uint64_t>(first) + w * static_cast<uint64_t>(block));
    const int64_t end = start > std::numeric_limits<int64_t>::max() - block
                            ? std::numeric_limits<int64_t>::max()
                            : start + block;
    absl::Status s =
        writer.Run(++window_number, start, end, std::span<const uint32_t>(order).subspan(i, j - i));
    if (!s.ok()) return s;
    i = j;
  }
  return plan;
}

}  // namespace sextant::tool

#pragma once

// Internal to the engine: the step-wise evaluator behind Engine (promql/engine.h).
//
// An Evaluator evaluates an expression at every step start, start + interval, ..., end. Instant
// vectors are kept step-major (one list of samples per step), scalars as one double per step. A
// selector reads its series once for all steps and slides per-series indexes over the loaded
// samples. Subqueries run a child Evaluator over their own aligned steps sharing the QueryContext.
//
// Per-series work is done once per query, not once per step: every label set the query sees or
// makes is interned in the query's SeriesTable, a step's samples name their series by id, and
// what an operator derives from a series' labels (its group, its matching key, its labels without
// the metric name) is worked out on the first step that needs it and looked up by id after that
// (PerSeries). No step loop decodes, builds or compares labels, except count_values, whose
// output series depend on the sample values.
//
// Not thread-safe: one Evaluator (and its children) per query.

#include <atomic>
#include <cmath>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "model/labels.h"
#include "model/sample.h"
#include "promql/ast.h"
#include "promql/engine.h"
#include "promql/value.h"
#include "tsdb/storage.h"

namespace sextant::promql::internal {

// Identifies a label set within one query: equal ids are equal labels and the reverse.
using SeriesId = uint32_t;

// Every label set of one query, each stored once. References from labels() stay valid for the
// table's life (Intern never moves stored labels).
class SeriesTable {
 public:
  // The id of `labels`, adding them when new.
  SeriesId Intern(model::Labels labels);
  const model::Labels& labels(SeriesId id) const { return labels_[id]; }
  size_t size() const { return labels_.size(); }

 private:
  std::deque<model::Labels> labels_;
  // By the labels' 64-bit hash (cheap to rehash as the table grows); label sets whose hash
  // an earlier, different set already has go to `collided_`.
  absl::flat_hash_map<uint64_t, SeriesId> index_;
  absl::flat_hash_map<std::string_view, SeriesId> collided_;
};

// What an operator derives from a series' labels, computed once per series on first use.
template <typename T>
class PerSeries {
 public:
  // The value for `id`: `compute(id)` the first time, the stored value after that. The
  // reference is valid until the next Get (which may grow the storage).
  template <typename F>
  const T& Get(SeriesId id, F&& compute) {
    if (id >= known_.size()) {
      known_.resize(id + 1, 0);
      values_.resize(id + 1);
    }
    if (!known_[id]) {
      T v = compute(id);
      values_[id] = std::move(v);
      known_[id] = 1;
    }
    return values_[id];
  }

 private:
  std::vector<uint8_t> known_;
  std::vector<T> values_;
};

// One element of an instant vector inside the evaluator: its series and value. The sample's
// time is the step's (timestamp() is the one function that needs the raw sample time, and its
// selector puts that in the value).
struct Sample {
  SeriesId id = 0;
  double v = 0;
};
using Samples = std::vector<Sample>;

// One series' values at every step of an evaluator, as a series-wise evaluation hands them on.
struct SeriesSteps {
  SeriesId id = 0;
  std::vector<double> values;    // one per step
  std::vector<uint8_t> present;  // one per step: 1 when the series has a value at the step
};
using SeriesSink = absl::FunctionRef<absl::Status(const SeriesSteps&)>;

// State shared by every Evaluator of one query.
struct QueryContext {
  tsdb::Storage* storage = nullptr;
  EngineOptions options;
  absl::Time deadline = absl::InfiniteFuture();
  const std::atomic<bool>* cancel = nullptr;  // QueryOptions::cancel
  int64_t query_start = 0;                    // what start() and end() of `@` resolve to
  int64_t query_end = 0;
  std::string_view query;  // the query text, for annotation positions; empty when unknown
  // Samples the query holds: raw samples of the series being read, plus every sample of the
  // results computed so far. Checked against max_samples (Prometheus's peak-samples limit).
  int64_t samples = 0;
  int64_t peak_samples = 0;
  int64_t total_samples = 0;  // raw samples read from storage
  std::set<std::string> warnings;
  std::set<std::string> infos;
  SeriesTable series;

  const model::Labels& labels(SeriesId id) const { return series.labels(id); }
  // The series' labels without __name__ (the same id when it has none).
  SeriesId WithoutName(SeriesId id);
  // Error when two samples of one step are the same series (Prometheus's rangeEval check).
  absl::Status CheckDuplicates(const Samples& v);

  // Adds `n` held samples (negative releases); ResourceExhausted beyond max_samples.
  absl::Status Charge(int64_t n);
  // Cancelled or DeadlineExceeded when the query must stop.
  absl::Status CheckInterrupt() const;

 private:
  PerSeries<SeriesId> without_name_;
  std::vector<uint32_t> seen_stamp_;  // CheckDuplicates: the call that last saw each series
  uint32_t seen_epoch_ = 0;
};

// The value of an expression at every step.
struct StepValue {
  ValueType type = ValueType::kNone;
  std::vector<double> scalars;   // kScalar: one per step
  std::vector<Samples> vectors;  // kVector: one per step
  std::string str;               // kString
  Matrix matrix;                 // kMatrix: only a range-vector query's own result
};

// A series with its points, for range-vector arguments (selected samples or subquery output).
struct RangeSeries {
  SeriesId id = 0;
  std::vector<FPoint> points;
};

// The series of a selector or a range-vector argument, one at a time. A selector's series are
// read from storage as they are asked for, into a buffer reused for the next one, so a query
// holds the raw samples of one series at a time (charged to QueryContext::samples while held);
// a subquery's series are its evaluated output, held whole.
class SeriesCursor {
 public:
  SeriesCursor() = default;
  // Reads the series `matchers` select in [mint, maxt] from `querier` (taking ownership).
  SeriesCursor(QueryContext* ctx, std::unique_ptr<tsdb::Querier> querier,
               std::unique_ptr<tsdb::SeriesSet> set, int64_t mint, int64_t maxt, bool drop_stale);
  // Walks series already in memory.
  explicit SeriesCursor(std::vector<RangeSeries> series) : series_(std::move(series)) {}
  SeriesCursor(SeriesCursor&& other) noexcept { *this = std::move(other); }
  SeriesCursor& operator=(SeriesCursor&& other) noexcept;
  ~SeriesCursor();

  // The next series with at least one point, or nullptr after the last; valid until the next
  // call. Errors: the storage's, Cancelled/DeadlineExceeded, ResourceExhausted.
  absl::StatusOr<const RangeSeries*> Next();

 private:
  QueryContext* ctx_ = nullptr;  // set when streaming from storage
  std::unique_ptr<tsdb::Querier> querier_;
  std::unique_ptr<tsdb::SeriesSet> set_;
  int64_t mint_ = 0;
  int64_t maxt_ = 0;
  bool drop_stale_ = false;
  std::vector<model::Sample> raw_;  // the current series as read, reused
  RangeSeries buf_;
  int64_t held_ = 0;  // samples of buf_ charged to ctx_
  std::vector<RangeSeries> series_;
  size_t pos_ = 0;
};

// A range-vector argument: its series plus how a step maps to its window (ts - range, ts],
// ts = (at ? *at : step) - offset.
struct RangeInput {
  SeriesCursor series;
  int64_t range_ms = 0;
  int64_t offset_ms = 0;
  std::optional<int64_t> at;
  int64_t EvalTime(int64_t step_t) const { return (at ? *at : step_t) - offset_ms; }
};

// The windows of one series over ascending steps: Next(ts) returns the points in (ts - range, ts].
class WindowSlider {
 public:
  explicit WindowSlider(std::span<const FPoint> points) : points_(points) {}
  std::span<const FPoint> Next(int64_t ts, int64_t range_ms);

 private:
  std::span<const FPoint> points_;
  size_t lo_ = 0;
  size_t hi_ = 0;
};

// The steps at which each output series has a value, to catch two input series that become the
// same output series (their names dropped) with values at the same step: Prometheus's
// "same labelset" error. One bit per step per output series.
// For the series-wise producers that rename series.
class OutputSteps {
 public:
  explicit OutputSteps(size_t num_steps) : words_((num_steps + 63) / 64) {}

  // Records that `id` has values at the steps in `present`; false when an earlier series
  // of the same id had a value at one of them.
  bool Add(SeriesId id, const std::vector<uint8_t>& present) {
    auto [it, added] = offset_.try_emplace(id, bits_.size());
    if (added) bits_.resize(bits_.size() + words_, 0);
    uint64_t* bits = bits_.data() + it->second;
    for (size_t i = 0; i < present.size(); ++i) {
      if (!present[i]) continue;
      const uint64_t bit = uint64_t{1} << (i % 64);
      if (bits[i / 64] & bit) return false;
      bits[i / 64] |= bit;
    }
    return true;
  }

 private:
  size_t words_;
  absl::flat_hash_map<SeriesId, size_t> offset_;
  std::vector<uint64_t> bits_;
};

class Evaluator {
 public:
  Evaluator(QueryContext* ctx, int64_t start, int64_t end, int64_t interval);

  absl::StatusOr<StepValue> Eval(const Expr& e);

  size_t num_steps() const { return num_steps_; }
  int64_t StepTime(size_t i) const { return start_ + static_cast<int64_t>(i) * interval_; }

 private:
  // Stops the query when it was cancelled or ran past its deadline.
  absl::Status CheckInterrupt() const;
  absl::Status AddSamples(int64_t n);
  std::optional<int64_t> ResolveAt(std::optional<int64_t> ts, AtModifier m) const;

  // Series-wise evaluation: the expressions that are computed one series at a time (a selector,
  // a range function) hand each series' values at every step to a sink, in the order the
  // step-wise value lists them. An aggregation consumes them as they come, so a query like
  // sum(rate(x[5m])) never holds the per-step vectors of its argument.
  //
  // Evaluates `e` series-wise into `sink`. Precondition: IsSeriesWise(e).
  absl::Status EvalSeriesWise(const Expr& e, SeriesSink sink);
  // A step-wise value from a series-wise evaluation. Precondition: IsSeriesWise(e).
  absl::StatusOr<StepValue> CollectSeriesWise(const Expr& e);

  absl::StatusOr<StepValue> EvalVectorSelector(const VectorSelector& vs, bool keep_sample_time);
  absl::Status SelectSeriesWise(const VectorSelector& vs, bool keep_sample_time, SeriesSink sink);
  absl::StatusOr<SeriesCursor> Select(const VectorSelector& vs, int64_t mint, int64_t maxt,
                                      bool drop_stale, std::string_view func);
  // A matrix selector or subquery (parentheses unwrapped) as a range input.
  absl::StatusOr<RangeInput> EvalRangeInput(const Expr& e, std::string_view func);
  absl::StatusOr<StepValue> EvalMatrixResult(const Expr& e);
  absl::StatusOr<StepValue> EvalUnary(const UnaryExpr& u);

  // binary_ops.cc
  absl::StatusOr<StepValue> EvalBinary(const BinaryExpr& b);
  // A vector-scalar operation whose vector side is series-wise, series-wise. Precondition:
  // IsSeriesWise(b).
  absl::Status BinarySeriesWise(const BinaryExpr& b, SeriesSink sink);
  // aggregations.cc
  absl::StatusOr<StepValue> EvalAggregate(const AggregateExpr& a);
  // Aggregates a series-wise argument as it comes (sum, avg, count, ...: the operators without
  // a parameter); false when the argument is not series-wise or needs more accumulators than
  // max_series_wise_cells.
  absl::StatusOr<bool> AggregateSeriesWise(const AggregateExpr& a,
                                           const std::vector<std::string>& grouping,
                                           StepValue* out);
  // functions.cc
  absl::StatusOr<StepValue> EvalCall(const Call& c);
  absl::StatusOr<StepValue> EvalRangeFunction(const Call& c);
  // range_functions.cc: every range function but absent_over_time.
  absl::Status RangeFunctionSeriesWise(const Call& c, SeriesSink sink);
  absl::StatusOr<StepValue> EvalHistogramQuantile(const Call& c);
  absl::StatusOr<StepValue> EvalLabelFunction(const Call& c);

  QueryContext* ctx_;
  int64_t start_;
  int64_t end_;
  int64_t interval_;
  size_t num_steps_;
};

// Whether Evaluator::EvalSeriesWise evaluates `e` series-wise: a selector, a range function but
// absent_over_time, or a vector-scalar operation (not a set operation) of such.
bool IsSeriesWise(const Expr& e);

// Helpers shared by the evaluator's files.
model::Labels DropMetricName(const model::Labels& l);
// Kahan-Neumaier summation step (Prometheus's kahanSumInc). Inline: it is the inner loop of the
// *_over_time functions and of sum/avg.
inline void KahanSumInc(double inc, double* sum, double* c) {
  const double t = *sum + inc;
  if (std::isinf(t)) {
    *c = 0;
  } else if (std::fabs(*sum) >= std::fabs(inc)) {
    *c += (*sum - t) + inc;
  } else {
    *c += (inc - t) + *sum;
  }
  *sum = t;
}
// Prometheus's quantile over values (sorted in place).
double Quantile(double q, std::vector<double>* values);
// " (line:col)" of `pos` in ctx.query as Prometheus appends to annotations; "" without a query.
std::string AnnotationPosition(const QueryContext& ctx, PositionRange pos);
// Adds Prometheus's warning for a quantile outside [0, 1] (or NaN) to ctx.
void WarnIfInvalidQuantile(QueryContext* ctx, double q);
// Go's strconv.FormatFloat(f, 'f', -1, 64).
std::string FormatFloatShortest(double f);

}  // namespace sextant::promql::internal

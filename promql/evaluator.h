#pragma once

// Internal to the engine: the step-wise evaluator behind Engine (promql/engine.h).
//
// An Evaluator evaluates an expression at every step start, start + interval, ..., end. Instant
// vectors are kept step-major (one Vector per step), scalars as one double per step. A selector
// reads its series once for all steps and slides per-series indexes over the loaded samples.
// Subqueries run a child Evaluator over their own aligned steps sharing the QueryContext.
//
// Not thread-safe: one Evaluator (and its children) per query.

#include <atomic>
#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "model/labels.h"
#include "promql/ast.h"
#include "promql/engine.h"
#include "promql/value.h"
#include "tsdb/storage.h"

namespace sextant::promql::internal {

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

  // Adds `n` held samples (negative releases); ResourceExhausted beyond max_samples.
  absl::Status Charge(int64_t n);
  // Cancelled or DeadlineExceeded when the query must stop.
  absl::Status CheckInterrupt() const;
};

// The value of an expression at every step.
struct StepValue {
  ValueType type = ValueType::kNone;
  std::vector<double> scalars;  // kScalar: one per step
  std::vector<Vector> vectors;  // kVector: one per step
  std::string str;              // kString
  Matrix matrix;                // kMatrix: only a range-vector query's own result
};

// A series with its points, for range-vector arguments (selected samples or subquery output).
struct RangeSeries {
  model::Labels labels;
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

  absl::StatusOr<StepValue> EvalVectorSelector(const VectorSelector& vs, bool keep_sample_time);
  absl::StatusOr<SeriesCursor> Select(const VectorSelector& vs, int64_t mint, int64_t maxt,
                                      bool drop_stale, std::string_view func);
  // A matrix selector or subquery (parentheses unwrapped) as a range input.
  absl::StatusOr<RangeInput> EvalRangeInput(const Expr& e, std::string_view func);
  absl::StatusOr<StepValue> EvalMatrixResult(const Expr& e);
  absl::StatusOr<StepValue> EvalUnary(const UnaryExpr& u);

  // binary_ops.cc
  absl::StatusOr<StepValue> EvalBinary(const BinaryExpr& b);
  // aggregations.cc
  absl::StatusOr<StepValue> EvalAggregate(const AggregateExpr& a);
  // functions.cc
  absl::StatusOr<StepValue> EvalCall(const Call& c);
  absl::StatusOr<StepValue> EvalRangeFunction(const Call& c);
  absl::StatusOr<StepValue> EvalHistogramQuantile(const Call& c);
  absl::StatusOr<StepValue> EvalLabelFunction(const Call& c);

  QueryContext* ctx_;
  int64_t start_;
  int64_t end_;
  int64_t interval_;
  size_t num_steps_;
};

// Helpers shared by the evaluator's files.
model::Labels DropMetricName(const model::Labels& l);
// Error when two samples of `v` have the same labels (Prometheus's rangeEval check).
absl::Status CheckDuplicateLabelsets(const Vector& v);
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

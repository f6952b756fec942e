#include "promql/evaluator.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "model/sample.h"
#include "util/go_format.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace sextant::promql::internal {

namespace {

// Prometheus's default evaluation interval, the step of a subquery without one.
constexpr int64_t kDefaultSubqueryStepMs = 60 * 1000;

const Expr& UnwrapParens(const Expr& e) {
  const Expr* cur = &e;
  while (cur->kind() == ExprKind::kParen) cur = As<ParenExpr>(*cur).expr.get();
  return *cur;
}

}  // namespace

model::Labels DropMetricName(const model::Labels& l) { return l.Without(model::kMetricNameLabel); }

SeriesId SeriesTable::Intern(model::Labels labels) {
  const auto id = static_cast<SeriesId>(labels_.size());
  auto [it, added] = index_.try_emplace(labels.Hash(), id);
  if (!added) {
    if (labels_[it->second] == labels) return it->second;
    auto c = collided_.find(labels.bytes());
    if (c != collided_.end()) return c->second;
  }
  labels_.push_back(std::move(labels));
  if (!added) collided_.emplace(labels_.back().bytes(), id);
  return id;
}

SeriesId QueryContext::WithoutName(SeriesId id) {
  return without_name_.Get(id, [&](SeriesId in) {
    const model::Labels& l = labels(in);
    return l.Has(model::kMetricNameLabel) ? series.Intern(DropMetricName(l)) : in;
  });
}

absl::Status QueryContext::CheckDuplicates(const Samples& v) {
  if (v.size() < 2) return absl::OkStatus();
  if (seen_stamp_.size() < series.size()) seen_stamp_.resize(series.size(), 0);
  if (++seen_epoch_ == 0) {  // wrapped: forget every stamp
    std::fill(seen_stamp_.begin(), seen_stamp_.end(), 0);
    seen_epoch_ = 1;
  }
  for (const Sample& s : v) {
    if (seen_stamp_[s.id] == seen_epoch_) {
      return absl::InvalidArgumentError("vector cannot contain metrics with the same labelset");
    }
    seen_stamp_[s.id] = seen_epoch_;
  }
  return absl::OkStatus();
}

double Quantile(double q, std::vector<double>* values) {
  if (values->empty() || std::isnan(q)) return std::nan("");
  if (q < 0) return -INFINITY;
  if (q > 1) return INFINITY;
  std::sort(values->begin(), values->end(), [](double a, double b) {
    if (std::isnan(a)) return !std::isnan(b);
    return a < b;
  });
  const double n = static_cast<double>(values->size());
  const double rank = q * (n - 1);
  const double lower = std::max(0.0, std::floor(rank));
  const double upper = std::min(n - 1, lower + 1);
  const double weight = rank - std::floor(rank);
  return (*values)[static_cast<size_t>(lower)] * (1 - weight) +
         (*values)[static_cast<size_t>(upper)] * weight;
}

void WarnIfInvalidQuantile(QueryContext* ctx, double q) {
  if (q >= 0 && q <= 1) return;  // false for NaN too
  ctx->warnings.insert(util::StrCat(
      "PromQL warning: quantile value should be between 0 and 1, got ", util::FormatFloatGo(q)));
}

std::string AnnotationPosition(const QueryContext& ctx, PositionRange pos) {
  if (ctx.query.empty() || pos.start < 0 || static_cast<size_t>(pos.start) > ctx.query.size()) {
    return "";
  }
  int line = 1;
  int last_break = -1;
  for (int i = 0; i < pos.start; ++i) {
    if (ctx.query[i] == '\n') {
      last_break = i;
      ++line;
    }
  }
  return util::StrCat(" (", line, ":", pos.start - last_break, ")");
}

std::string FormatFloatShortest(double f) {
  if (std::isnan(f)) return "NaN";
  if (std::isinf(f)) return f > 0 ? "+Inf" : "-Inf";
  char buf[512];
  auto res = std::to_chars(buf, buf + sizeof(buf), f, std::chars_format::fixed);
  return std::string(buf, res.ptr);
}

std::span<const FPoint> WindowSlider::Next(int64_t ts, int64_t range_ms) {
  // Steps only move forward, except with `@` where ts is constant: both keep the indexes valid.
  if (hi_ > 0 && points_[hi_ - 1].t > ts) {
    lo_ = 0;
    hi_ = 0;
  }
  while (hi_ < points_.size() && points_[hi_].t <= ts) ++hi_;
  if (lo_ > hi_) lo_ = hi_;
  while (lo_ < hi_ && points_[lo_].t <= ts - range_ms) ++lo_;
  return points_.subspan(lo_, hi_ - lo_);
}

Evaluator::Evaluator(QueryContext* ctx, int64_t start, int64_t end, int64_t interval)
    : ctx_(ctx), start_(start), end_(end), interval_(interval) {
  num_steps_ = interval_ > 0 ? static_cast<size_t>((end_ - start_) / interval_) + 1 : 1;
}

absl::Status QueryContext::CheckInterrupt() const {
  if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
    return absl::CancelledError("query was canceled in expression evaluation");
  }
  if (absl::Now() > deadline) {
    return absl::DeadlineExceededError("query timed out in expression evaluation");
  }
  return absl::OkStatus();
}

absl::Status QueryContext::Charge(int64_t n) {
  samples += n;
  peak_samples = std::max(peak_samples, samples);
  if (samples > options.max_samples) {
    return absl::ResourceExhaustedError(
        "query processing would load too many samples into memory in query execution");
  }
  return absl::OkStatus();
}

absl::Status Evaluator::CheckInterrupt() const { return ctx_->CheckInterrupt(); }

absl::Status Evaluator::AddSamples(int64_t n) { return ctx_->Charge(n); }

SeriesCursor::SeriesCursor(QueryContext* ctx, std::unique_ptr<tsdb::Querier> querier,
                           std::unique_ptr<tsdb::SeriesSet> set, int64_t mint, int64_t maxt,
                           bool drop_stale)
    : ctx_(ctx),
      querier_(std::move(querier)),
      set_(std::move(set)),
      mint_(mint),
      maxt_(maxt),
      drop_stale_(drop_stale) {}

SeriesCursor& SeriesCursor::operator=(SeriesCursor&& other) noexcept {
  if (this == &other) return *this;
  if (ctx_ != nullptr) ctx_->samples -= held_;
  ctx_ = std::exchange(other.ctx_, nullptr);
  querier_ = std::move(other.querier_);
  set_ = std::move(other.set_);
  mint_ = other.mint_;
  maxt_ = other.maxt_;
  drop_stale_ = other.drop_stale_;
  raw_ = std::move(other.raw_);
  buf_ = std::move(other.buf_);
  held_ = std::exchange(other.held_, 0);
  series_ = std::move(other.series_);
  pos_ = std::exchange(other.pos_, 0);
  return *this;
}

SeriesCursor::~SeriesCursor() {
  if (ctx_ != nullptr) ctx_->samples -= held_;
}

absl::StatusOr<const RangeSeries*> SeriesCursor::Next() {
  if (set_ == nullptr) return pos_ < series_.size() ? &series_[pos_++] : nullptr;
  ctx_->samples -= held_;
  held_ = 0;
  while (set_->Next()) {
    RETURN_IF_ERROR(ctx_->CheckInterrupt());
    const tsdb::Series& s = set_->At();
    raw_.clear();
    RETURN_IF_ERROR(s.AppendSamples(mint_, maxt_, &raw_));
    buf_.points.resize(raw_.size());
    size_t n = 0;
    for (const model::Sample& sample : raw_) {
      if (drop_stale_ && model::IsStaleNaN(sample.v)) continue;
      buf_.points[n++] = FPoint{sample.t, sample.v};
    }
    buf_.points.resize(n);
    if (buf_.points.empty()) continue;
    held_ = static_cast<int64_t>(buf_.points.size());
    ctx_->total_samples += held_;
    RETURN_IF_ERROR(ctx_->Charge(held_));
    buf_.id = ctx_->series.Intern(s.labels());
    return &buf_;
  }
  RETURN_IF_ERROR(set_->status());
  for (std::string& w : set_->Warnings()) ctx_->warnings.insert(std::move(w));
  return nullptr;
}

std::optional<int64_t> Evaluator::ResolveAt(std::optional<int64_t> ts, AtModifier m) const {
  if (ts) return ts;
  if (m == AtModifier::kStart) return ctx_->query_start;
  if (m == AtModifier::kEnd) return ctx_->query_end;
  return std::nullopt;
}

absl::StatusOr<StepValue> Evaluator::Eval(const Expr& e) {
  RETURN_IF_ERROR(CheckInterrupt());
  switch (e.kind()) {
    case ExprKind::kNumberLiteral: {
      StepValue out;
      out.type = ValueType::kScalar;
      out.scalars.assign(num_steps_, As<NumberLiteral>(e).value);
      return out;
    }
    case ExprKind::kStringLiteral: {
      StepValue out;
      out.type = ValueType::kString;
      out.str = As<StringLiteral>(e).value;
      return out;
    }
    case ExprKind::kParen:
      return Eval(*As<ParenExpr>(e).expr);
    case ExprKind::kUnary:
      return EvalUnary(As<UnaryExpr>(e));
    case ExprKind::kVectorSelector:
      return EvalVectorSelector(As<VectorSelector>(e), /*keep_sample_time=*/false);
    case ExprKind::kMatrixSelector:
    case ExprKind::kSubquery:
      return EvalMatrixResult(e);
    case ExprKind::kBinary:
      return EvalBinary(As<BinaryExpr>(e));
    case ExprKind::kAggregate:
      return EvalAggregate(As<AggregateExpr>(e));
    case ExprKind::kCall:
      return EvalCall(As<Call>(e));
  }
  return absl::InternalError("unknown expression kind");
}

absl::StatusOr<StepValue> Evaluator::EvalUnary(const UnaryExpr& u) {
  ASSIGN_OR_RETURN(StepValue v, Eval(*u.expr));
  if (u.op == UnaryOp::kAdd) return v;
  if (v.type == ValueType::kScalar) {
    for (double& s : v.scalars) s = -s;
    return v;
  }
  for (Samples& vec : v.vectors) {
    for (Sample& s : vec) {
      s.v = -s.v;
      s.id = ctx_->WithoutName(s.id);
    }
    RETURN_IF_ERROR(ctx_->CheckDuplicates(vec));
  }
  return v;
}

absl::StatusOr<SeriesCursor> Evaluator::Select(const VectorSelector& vs, int64_t mint, int64_t maxt,
                                               bool drop_stale, std::string_view func) {
  if (mint > maxt) return SeriesCursor();
  ASSIGN_OR_RETURN(auto querier, ctx_->storage->NewQuerier(mint, maxt));
  tsdb::SelectHints hints;
  hints.start = mint;
  hints.end = maxt;
  hints.step = interval_;
  hints.func = std::string(func);
  std::unique_ptr<tsdb::SeriesSet> set = querier->Select(vs.matchers, &hints);
  return SeriesCursor(ctx_, std::move(querier), std::move(set), mint, maxt, drop_stale);
}

bool IsSeriesWise(const Expr& expr) {
  const Expr& e = UnwrapParens(expr);
  switch (e.kind()) {
    case ExprKind::kVectorSelector:
      return true;
    case ExprKind::kCall: {
      const Call& c = As<Call>(e);
      return c.func->name != "absent_over_time" &&
             std::find(c.func->arg_types.begin(), c.func->arg_types.end(), ValueType::kMatrix) !=
                 c.func->arg_types.end();
    }
    case ExprKind::kBinary: {
      // A vector-scalar operation (not a set operation) whose vector side is series-wise.
      const BinaryExpr& b = As<BinaryExpr>(e);
      if (IsSetOp(b.op)) return false;
      const ValueType l = b.lhs->Type(), r = b.rhs->Type();
      if (l == ValueType::kScalar && r == ValueType::kVector) return IsSeriesWise(*b.rhs);
      if (l == ValueType::kVector && r == ValueType::kScalar) return IsSeriesWise(*b.lhs);
      return false;
    }
    default:
      return false;
  }
}

absl::Status Evaluator::EvalSeriesWise(const Expr& expr, SeriesSink sink) {
  const Expr& e = UnwrapParens(expr);
  switch (e.kind()) {
    case ExprKind::kVectorSelector:
      return SelectSeriesWise(As<VectorSelector>(e), /*keep_sample_time=*/false, sink);
    case ExprKind::kBinary:
      return BinarySeriesWise(As<BinaryExpr>(e), sink);
    case ExprKind::kCall:
      return RangeFunctionSeriesWise(As<Call>(e), sink);
    default:
      return absl::InternalError("expression is not evaluated series-wise");
  }
}

namespace {

// Empty step-wise vectors and a sink that appends each series' values to them.
StepValue VectorSteps(size_t num_steps) {
  StepValue out;
  out.type = ValueType::kVector;
  out.vectors.resize(num_steps);
  return out;
}
auto AppendTo(StepValue* out) {
  return [out](const SeriesSteps& s) {
    for (size_t i = 0; i < s.present.size(); ++i) {
      if (s.present[i]) out->vectors[i].push_back(Sample{s.id, s.values[i]});
    }
    return absl::OkStatus();
  };
}

}  // namespace

absl::StatusOr<StepValue> Evaluator::CollectSeriesWise(const Expr& e) {
  StepValue out = VectorSteps(num_steps_);
  RETURN_IF_ERROR(EvalSeriesWise(e, AppendTo(&out)));
  return out;
}

absl::StatusOr<StepValue> Evaluator::EvalVectorSelector(const VectorSelector& vs,
                                                        bool keep_sample_time) {
  StepValue out = VectorSteps(num_steps_);
  RETURN_IF_ERROR(SelectSeriesWise(vs, keep_sample_time, AppendTo(&out)));
  return out;
}

absl::Status Evaluator::SelectSeriesWise(const VectorSelector& vs, bool keep_sample_time,
                                         SeriesSink sink) {
  const std::optional<int64_t> at = ResolveAt(vs.timestamp_ms, vs.start_or_end);
  const int64_t offset = vs.original_offset_ms;
  const int64_t lookback = ctx_->options.lookback_delta_ms;
  const int64_t first = (at ? *at : start_) - offset;
  const int64_t last = (at ? *at : StepTime(num_steps_ - 1)) - offset;
  ASSIGN_OR_RETURN(SeriesCursor series,
                   Select(vs, first - lookback + 1, last, /*drop_stale=*/false, ""));
  SeriesSteps out;
  out.values.resize(num_steps_);
  out.present.resize(num_steps_);
  while (true) {
    ASSIGN_OR_RETURN(const RangeSeries* next, series.Next());
    if (next == nullptr) break;
    const RangeSeries& rs = *next;
    int64_t emitted = 0;
    size_t idx = 0;  // first point after the current eval time
    for (size_t i = 0; i < num_steps_; ++i) {
      out.present[i] = 0;
      const int64_t ts = (at ? *at : StepTime(i)) - offset;
      if (idx > 0 && rs.points[idx - 1].t > ts) idx = 0;
      while (idx < rs.points.size() && rs.points[idx].t <= ts) ++idx;
      if (idx == 0) continue;
      const FPoint& p = rs.points[idx - 1];
      if (p.t <= ts - lookback || model::IsStaleNaN(p.v)) continue;
      out.present[i] = 1;
      out.values[i] = keep_sample_time ? static_cast<double>(p.t) / 1000 : p.v;
      ++emitted;
    }
    RETURN_IF_ERROR(AddSamples(emitted));
    if (emitted == 0) continue;
    out.id = rs.id;
    RETURN_IF_ERROR(sink(out));
  }
  return absl::OkStatus();
}

absl::StatusOr<RangeInput> Evaluator::EvalRangeInput(const Expr& expr, std::string_view func) {
  const Expr& e = UnwrapParens(expr);
  RangeInput in;
  if (e.kind() == ExprKind::kMatrixSelector) {
    const auto& ms = As<MatrixSelector>(e);
    const VectorSelector& vs = *ms.vector_selector;
    in.range_ms = ms.range_ms;
    in.offset_ms = vs.original_offset_ms;
    in.at = ResolveAt(vs.timestamp_ms, vs.start_or_end);
    const int64_t first = in.EvalTime(start_);
    const int64_t last = in.EvalTime(StepTime(num_steps_ - 1));
    ASSIGN_OR_RETURN(in.series,
                     Select(vs, first - in.range_ms + 1, last, /*drop_stale=*/true, func));
    return in;
  }
  if (e.kind() != ExprKind::kSubquery) {
    return absl::InternalError("expected a range vector argument");
  }
  const auto& sq = As<SubqueryExpr>(e);
  in.range_ms = sq.range_ms;
  in.offset_ms = sq.original_offset_ms;
  in.at = ResolveAt(sq.timestamp_ms, sq.start_or_end);
  const int64_t step = sq.step_ms > 0 ? sq.step_ms : kDefaultSubqueryStepMs;
  const int64_t first = in.EvalTime(start_) - in.range_ms;
  const int64_t last = in.EvalTime(StepTime(num_steps_ - 1));
  int64_t inner_start = step * (first / step);
  if (inner_start <= first) inner_start += step;
  if (inner_start > last) return in;
  Evaluator inner(ctx_, inner_start, last, step);
  // The steps themselves take memory: charge them before evaluating, so that a subquery with
  // millions of steps fails cleanly instead of exhausting memory.
  RETURN_IF_ERROR(AddSamples(static_cast<int64_t>(inner.num_steps())));
  ASSIGN_OR_RETURN(StepValue v, inner.Eval(*sq.expr));
  std::vector<RangeSeries> series;
  if (v.type == ValueType::kScalar) {
    RangeSeries rs;
    rs.id = ctx_->series.Intern(model::Labels());
    for (size_t i = 0; i < inner.num_steps(); ++i) {
      rs.points.push_back(FPoint{inner.StepTime(i), v.scalars[i]});
    }
    series.push_back(std::move(rs));
  } else {
    absl::flat_hash_map<SeriesId, size_t> index;
    for (size_t i = 0; i < inner.num_steps(); ++i) {
      for (const Sample& s : v.vectors[i]) {
        auto [it, added] = index.try_emplace(s.id, series.size());
        if (added) series.push_back(RangeSeries{s.id, {}});
        series[it->second].points.push_back(FPoint{inner.StepTime(i), s.v});
      }
    }
    // In label order, as the series of a selector come.
    std::sort(series.begin(), series.end(), [&](const RangeSeries& a, const RangeSeries& b) {
      return ctx_->labels(a.id) < ctx_->labels(b.id);
    });
  }
  in.series = SeriesCursor(std::move(series));
  return in;
}

absl::StatusOr<StepValue> Evaluator::EvalMatrixResult(const Expr& e) {
  ASSIGN_OR_RETURN(RangeInput in, EvalRangeInput(e, ""));
  StepValue out;
  out.type = ValueType::kMatrix;
  const int64_t ts = in.EvalTime(StepTime(num_steps_ - 1));
  while (true) {
    ASSIGN_OR_RETURN(const RangeSeries* next, in.series.Next());
    if (next == nullptr) break;
    const RangeSeries& rs = *next;
    WindowSlider slider(rs.points);
    std::span<const FPoint> w = slider.Next(ts, in.range_ms);
    if (w.empty()) continue;
    out.matrix.push_back(Series{ctx_->labels(rs.id), std::vector<FPoint>(w.begin(), w.end())});
  }
  return out;
}

}  // namespace sextant::promql::internal

#include "promql/engine.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <iterator>
#include <semaphore>

#include "absl/container/flat_hash_map.h"
#include "promql/evaluator.h"
#include "promql/parser.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace sextant::promql {

struct Engine::Impl {
  explicit Impl(EngineOptions o)
      : options(o), slots(std::max<std::ptrdiff_t>(1, o.max_concurrency)) {}
  absl::StatusOr<QueryResult> Run(tsdb::Storage& storage, const Expr& expr, int64_t start,
                                  int64_t end, int64_t step, std::string_view query,
                                  const QueryOptions& opts);

  EngineOptions options;
  // Queries beyond max_concurrency wait here (a queue, not a rejection).
  std::counting_semaphore<> slots;
};

Engine::Engine(EngineOptions options) : impl_(std::make_unique<Impl>(options)) {}
Engine::~Engine() = default;

absl::StatusOr<QueryResult> Engine::InstantQuery(tsdb::Storage& storage, std::string_view query,
                                                 int64_t t, const QueryOptions& opts) {
  ASSIGN_OR_RETURN(std::unique_ptr<Expr> expr, ParseExpr(query));
  return impl_->Run(storage, *expr, t, t, 0, query, opts);
}

absl::StatusOr<QueryResult> Engine::RangeQuery(tsdb::Storage& storage, std::string_view query,
                                               int64_t start, int64_t end, int64_t step,
                                               const QueryOptions& opts) {
  ASSIGN_OR_RETURN(std::unique_ptr<Expr> expr, ParseExpr(query));
  if (step <= 0) {
    return absl::InvalidArgumentError(
        "zero or negative query resolution step widths are not accepted");
  }
  if (end < start) return absl::InvalidArgumentError("end timestamp must not be before start time");
  return impl_->Run(storage, *expr, start, end, step, query, opts);
}

absl::StatusOr<QueryResult> Engine::Evaluate(tsdb::Storage& storage, const Expr& expr,
                                             int64_t start, int64_t end, int64_t step,
                                             const QueryOptions& opts) {
  return impl_->Run(storage, expr, start, end, step, opts.query_text, opts);
}

const EngineOptions& Engine::options() const { return impl_->options; }

absl::StatusOr<QueryResult> Engine::Impl::Run(tsdb::Storage& storage, const Expr& expr,
                                              int64_t start, int64_t end, int64_t step,
                                              std::string_view query, const QueryOptions& opts) {
  const bool instant = step == 0;
  if (!instant && expr.Type() != ValueType::kScalar && expr.Type() != ValueType::kVector) {
    return absl::InvalidArgumentError(
        util::StrCat("invalid expression type \"", DocumentedType(expr.Type()),
                     "\" for range query, must be Scalar or instant Vector"));
  }
  if (opts.lookback_delta_ms && *opts.lookback_delta_ms <= 0) {
    return absl::InvalidArgumentError("lookback delta must be positive");
  }
  const absl::Duration timeout =
      opts.timeout ? std::min(*opts.timeout, options.timeout) : options.timeout;
  const absl::Time deadline = absl::Now() + timeout;
  // Wait for a slot in slices, so that a cancelled query leaves the queue.
  const auto steady_deadline =
      std::chrono::steady_clock::now() + absl::ToChronoNanoseconds(timeout);
  while (!slots.try_acquire_for(std::chrono::milliseconds(50))) {
    if (opts.cancel != nullptr && opts.cancel->load(std::memory_order_relaxed)) {
      return absl::CancelledError("query was canceled in query queue");
    }
    if (std::chrono::steady_clock::now() >= steady_deadline) {
      return absl::DeadlineExceededError("query timed out in query queue");
    }
  }
  struct Release {
    std::counting_semaphore<>* s;
    ~Release() { s->release(); }
  } release{&slots};

  internal::QueryContext ctx;
  ctx.storage = &storage;
  ctx.options = options;
  if (opts.lookback_delta_ms) ctx.options.lookback_delta_ms = *opts.lookback_delta_ms;
  ctx.deadline = deadline;
  ctx.cancel = opts.cancel;
  ctx.query_start = start;
  ctx.query_end = end;
  ctx.query = query;
  internal::Evaluator ev(&ctx, start, end, step);
  if (static_cast<int64_t>(ev.num_steps()) > ctx.options.max_samples) {
    return absl::ResourceExhaustedError(
        "query processing would load too many samples into memory in query execution");
  }
  ASSIGN_OR_RETURN(internal::StepValue v, ev.Eval(expr));

  QueryResult result;
  if (instant) {
    switch (v.type) {
      case ValueType::kScalar:
        result.value = Scalar{start, v.scalars[0]};
        break;
      case ValueType::kString:
        result.value = String{start, v.str};
        break;
      case ValueType::kMatrix:
        result.value = std::move(v.matrix);
        break;
      default:
        result.value = std::move(v.vectors[0]);
        break;
    }
  } else if (v.type == ValueType::kScalar) {
    Series s;
    for (size_t i = 0; i < ev.num_steps(); ++i)
      s.points.push_back(FPoint{ev.StepTime(i), v.scalars[i]});
    result.value = Matrix{std::move(s)};
  } else {
    // Series by their label bytes; a deque keeps the keys' storage in place as it grows.
    std::deque<Series> series;
    absl::flat_hash_map<std::string_view, size_t> index;
    for (size_t i = 0; i < ev.num_steps(); ++i) {
      for (VectorSample& s : v.vectors[i]) {
        auto it = index.find(s.labels.bytes());
        if (it == index.end()) {
          series.push_back(Series{std::move(s.labels), {}});
          series.back().points.reserve(ev.num_steps() - i);
          it = index.emplace(series.back().labels.bytes(), series.size() - 1).first;
        }
        series[it->second].points.push_back(FPoint{s.t, s.v});
      }
    }
    index.clear();
    Matrix m(std::make_move_iterator(series.begin()), std::make_move_iterator(series.end()));
    std::sort(m.begin(), m.end(),
              [](const Series& a, const Series& b) { return a.labels < b.labels; });
    result.value = std::move(m);
  }
  result.warnings.assign(ctx.warnings.begin(), ctx.warnings.end());
  result.infos.assign(ctx.infos.begin(), ctx.infos.end());
  result.stats.total_samples = ctx.total_samples;
  result.stats.peak_samples = ctx.peak_samples;
  return result;
}

}  // namespace sextant::promql

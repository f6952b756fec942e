#include "promql/engine.h"

#include <algorithm>
#include <chrono>
#include <semaphore>

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
      default: {
        Vector vec;
        vec.reserve(v.vectors[0].size());
        for (const internal::Sample& s : v.vectors[0]) {
          vec.push_back(VectorSample{ctx.labels(s.id), start, s.v});
        }
        result.value = std::move(vec);
        break;
      }
    }
  } else if (v.type == ValueType::kScalar) {
    Series s;
    for (size_t i = 0; i < ev.num_steps(); ++i)
      s.points.push_back(FPoint{ev.StepTime(i), v.scalars[i]});
    result.value = Matrix{std::move(s)};
  } else {
    // The output series in order of first appearance, found by id.
    Matrix m;
    std::vector<uint32_t> index(ctx.series.size(), 0);  // 1 + position in m; 0: none yet
    for (size_t i = 0; i < ev.num_steps(); ++i) {
      for (const internal::Sample& s : v.vectors[i]) {
        uint32_t& pos = index[s.id];
        if (pos == 0) {
          m.push_back(Series{ctx.labels(s.id), {}});
          m.back().points.reserve(ev.num_steps() - i);
          pos = static_cast<uint32_t>(m.size());
        }
        m[pos - 1].points.push_back(FPoint{ev.StepTime(i), s.v});
      }
      v.vectors[i] = internal::Samples();  // release each step as it is consumed
    }
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

#include "promql/engine.h"

#include <algorithm>
#include <chrono>
#include <map>
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
                                  int64_t end, int64_t step, std::string_view query);

  EngineOptions options;
  // Queries beyond max_concurrency wait here (a queue, not a rejection).
  std::counting_semaphore<> slots;
};

Engine::Engine(EngineOptions options) : impl_(std::make_unique<Impl>(options)) {}
Engine::~Engine() = default;

absl::StatusOr<QueryResult> Engine::InstantQuery(tsdb::Storage& storage, std::string_view query,
                                                 int64_t t) {
  ASSIGN_OR_RETURN(std::unique_ptr<Expr> expr, ParseExpr(query));
  return impl_->Run(storage, *expr, t, t, 0, query);
}

absl::StatusOr<QueryResult> Engine::RangeQuery(tsdb::Storage& storage, std::string_view query,
                                               int64_t start, int64_t end, int64_t step) {
  ASSIGN_OR_RETURN(std::unique_ptr<Expr> expr, ParseExpr(query));
  if (step <= 0) {
    return absl::InvalidArgumentError(
        "zero or negative query resolution step widths are not accepted");
  }
  if (end < start) return absl::InvalidArgumentError("end timestamp must not be before start time");
  return impl_->Run(storage, *expr, start, end, step, query);
}

absl::StatusOr<QueryResult> Engine::Evaluate(tsdb::Storage& storage, const Expr& expr,
                                             int64_t start, int64_t end, int64_t step) {
  return impl_->Run(storage, expr, start, end, step, "");
}

absl::StatusOr<QueryResult> Engine::Impl::Run(tsdb::Storage& storage, const Expr& expr,
                                              int64_t start, int64_t end, int64_t step,
                                              std::string_view query) {
  const bool instant = step == 0;
  if (!instant && expr.Type() != ValueType::kScalar && expr.Type() != ValueType::kVector) {
    return absl::InvalidArgumentError(
        util::StrCat("invalid expression type \"", DocumentedType(expr.Type()),
                     "\" for range query, must be Scalar or instant Vector"));
  }
  const absl::Time deadline = absl::Now() + options.timeout;
  const auto steady_deadline =
      std::chrono::steady_clock::now() + absl::ToChronoNanoseconds(options.timeout);
  if (!slots.try_acquire_until(steady_deadline)) {
    return absl::DeadlineExceededError("query timed out in query queue");
  }
  struct Release {
    std::counting_semaphore<>* s;
    ~Release() { s->release(); }
  } release{&slots};

  internal::QueryContext ctx;
  ctx.storage = &storage;
  ctx.options = options;
  ctx.deadline = deadline;
  ctx.query_start = start;
  ctx.query_end = end;
  ctx.query = query;
  internal::Evaluator ev(&ctx, start, end, step);
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
    std::map<model::Labels, std::vector<FPoint>> by_labels;
    for (size_t i = 0; i < ev.num_steps(); ++i) {
      for (VectorSample& s : v.vectors[i])
        by_labels[std::move(s.labels)].push_back(FPoint{s.t, s.v});
    }
    Matrix m;
    for (auto& [labels, points] : by_labels) m.push_back(Series{labels, std::move(points)});
    result.value = std::move(m);
  }
  result.warnings.assign(ctx.warnings.begin(), ctx.warnings.end());
  result.infos.assign(ctx.infos.begin(), ctx.infos.end());
  return result;
}

}  // namespace sextant::promql

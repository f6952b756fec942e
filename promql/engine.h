#pragma once

// The PromQL engine: evaluates a query over a tsdb::Storage at one time (instant query) or at
// every step of a range (range query), with Prometheus 3.x semantics (design.md, "PromQL"):
// left-open windows (t - range, t], a lookback delta for instant vectors, staleness markers ending
// a series, offset and @, subqueries, vector matching, aggregations and the stable functions.
//
// A range query reads each selected series once for the whole range and slides its windows over
// those samples; it never selects again per step.
//
// Thread-safety: an Engine may run many queries at once; each query is independent.

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "promql/ast.h"
#include "promql/value.h"
#include "tsdb/storage.h"

namespace sextant::promql {

struct EngineOptions {
  int64_t lookback_delta_ms = 5 * 60 * 1000;  // --query.lookback-delta
  int64_t max_samples = 50'000'000;           // --query.max-samples
  absl::Duration timeout = absl::Minutes(2);  // --query.timeout
  int max_concurrency = 20;                   // --query.max-concurrency
  // Most accumulators (groups x steps) an aggregation keeps when it consumes its argument series
  // by series; beyond, it evaluates the argument step by step instead, which holds only the
  // samples present (many short-lived series over a long range). Not a flag: a tuning knob.
  int64_t max_series_wise_cells = int64_t{1} << 22;
};

// Per-query settings: the HTTP API's `timeout` and `lookback_delta` parameters, and a flag to
// cancel a running query (a client that went away, a server shutting down).
struct QueryOptions {
  // Shortens the engine's --query.timeout for this query; a longer value does not extend it.
  std::optional<absl::Duration> timeout;
  // Replaces the engine's lookback delta for this query; must be positive.
  std::optional<int64_t> lookback_delta_ms;
  // When set to true while the query runs, the query stops with Cancelled ("query was canceled
  // in expression evaluation"). Must outlive the call.
  const std::atomic<bool>* cancel = nullptr;
  // The query's text, for the positions in annotations when evaluating a parsed expression.
  std::string_view query_text;
};

class Engine {
 public:
  explicit Engine(EngineOptions options);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Evaluates `query` at time `t` (ms). The result is a Scalar, String or Vector (an instant
  // vector), or a Matrix when the query itself is a range vector (e.g. `foo[5m]`).
  // Errors, with Prometheus's messages: InvalidArgument for parse and type errors (the
  // parser's), ResourceExhausted for "query processing would load too many samples into
  // memory in query execution", DeadlineExceeded for a timeout ("query timed out in ..."),
  // Cancelled when cancelled through QueryOptions::cancel, and the storage's errors.
  absl::StatusOr<QueryResult> InstantQuery(tsdb::Storage& storage, std::string_view query,
                                           int64_t t, const QueryOptions& opts = {});

  // Evaluates `query` at start, start + step, ..., up to end (ms; step > 0). The result is a
  // Matrix (a Scalar-typed query gives one series without labels). Errors as InstantQuery, plus
  // InvalidArgument for a query whose type is not scalar or instant vector ("invalid expression
  // type \"range vector\" for range query, must be Scalar or instant Vector").
  absl::StatusOr<QueryResult> RangeQuery(tsdb::Storage& storage, std::string_view query,
                                         int64_t start, int64_t end, int64_t step,
                                         const QueryOptions& opts = {});

  // The same on an already parsed expression.
  absl::StatusOr<QueryResult> Evaluate(tsdb::Storage& storage, const Expr& expr, int64_t start,
                                       int64_t end, int64_t step, const QueryOptions& opts = {});

  const EngineOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sextant::promql

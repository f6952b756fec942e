// libFuzzer entry point for the PromQL parser, printer and engine. Built as a fuzzer with clang
// and -DSEXTANT_BUILD_FUZZERS=ON (target promql_fuzzer); the unit tests also call it on random
// mutations of the queries in the PromQL test scripts (parse_fuzz_test.cc).
//
// Beyond "no crash, no sanitizer report", it checks, and traps when broken:
//   - a query that parses prints to canonical PromQL that parses again and prints the same;
//   - a parse error is an InvalidArgument with a message starting "parse error" or with a
//     position "<line>:<col>: parse error";
//   - a query that parses evaluates (instant and range) over a small fixed data set to a result
//     or a clean error, with the engine's sample limit and timeout holding it in bounds.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "promql/engine.h"
#include "promql/parser.h"
#include "promql/printer.h"
#include "tsdb/mem_storage.h"

namespace {

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

sextant::tsdb::MemStorage& Data() {
  static sextant::tsdb::MemStorage* storage = [] {
    auto* s = new sextant::tsdb::MemStorage;
    using sextant::model::Labels;
    for (int i = 0; i < 3; ++i) {
      const std::string v = std::to_string(i);
      const Labels counter =
          Labels::FromPairs({{"__name__", "http_requests_total"}, {"job", "api"}, {"instance", v}});
      const Labels bucket = Labels::FromPairs(
          {{"__name__", "x_bucket"}, {"le", i == 2 ? "+Inf" : std::to_string(i + 1)}});
      const Labels gauge = Labels::FromPairs({{"__name__", "foo"}, {"a", v}});
      for (int t = 0; t <= 60; ++t) {
        (void)s->Add(counter, t * 15000, t * (i + 1));
        (void)s->Add(bucket, t * 15000, t * (i + 1));
        (void)s->Add(gauge, t * 15000, (t % 7) - 3.5);
      }
    }
    return s;
  }();
  return *storage;
}

sextant::promql::Engine& TheEngine() {
  static sextant::promql::Engine* engine = [] {
    sextant::promql::EngineOptions o;
    o.max_samples = 50'000;
    o.timeout = absl::Seconds(2);
    return new sextant::promql::Engine(o);
  }();
  return *engine;
}

bool IsParseError(const absl::Status& s) {
  if (s.code() != absl::StatusCode::kInvalidArgument) return false;
  const std::string_view m(s.message().data(), s.message().size());
  return m.find("parse error") != std::string_view::npos ||
         m.find("maximum depth") != std::string_view::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sextant::promql;
  const std::string_view query(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<std::unique_ptr<Expr>> expr = ParseExpr(query);
  if (!expr.ok()) {
    Check(IsParseError(expr.status()));
    return 0;
  }
  const std::string printed = Format(**expr);
  absl::StatusOr<std::unique_ptr<Expr>> again = ParseExpr(printed);
  Check(again.ok());
  Check(Format(**again) == printed);

  Engine& engine = TheEngine();
  (void)engine.Evaluate(Data(), **expr, 900'000, 900'000, 0);
  if ((*expr)->Type() == ValueType::kScalar || (*expr)->Type() == ValueType::kVector) {
    (void)engine.Evaluate(Data(), **expr, 0, 900'000, 60'000);
  }
  return 0;
}

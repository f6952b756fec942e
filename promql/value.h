#pragma once

// The values a PromQL query evaluates to: scalar, string, instant vector and range vector
// (matrix), as Prometheus's promql/value.go defines them. Times are milliseconds.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "model/labels.h"
#include "promql/ast.h"

namespace sextant::promql {

struct Scalar {
  int64_t t = 0;
  double v = 0;
};

struct String {
  int64_t t = 0;
  std::string v;
};

// One element of an instant vector.
struct VectorSample {
  model::Labels labels;
  int64_t t = 0;
  double v = 0;
};
using Vector = std::vector<VectorSample>;

struct FPoint {
  int64_t t = 0;
  double v = 0;
  bool operator==(const FPoint&) const = default;
};

// One series of a range vector, points in time order.
struct Series {
  model::Labels labels;
  std::vector<FPoint> points;
};
// Series sorted by labels.
using Matrix = std::vector<Series>;

// What a query returns: the value (its type is type()), plus Prometheus's annotations, which the
// HTTP API passes on as "warnings" and "infos" (e.g. a rate() on a metric not ending in _total).
// What a query cost, for the API's `stats` parameter.
struct QueryStats {
  int64_t total_samples = 0;  // raw samples read from storage
  int64_t peak_samples = 0;   // most samples held at once (what max_samples limits)
};

struct QueryResult {
  std::variant<Scalar, String, Vector, Matrix> value;
  std::vector<std::string> warnings;
  std::vector<std::string> infos;
  QueryStats stats;

  ValueType type() const {
    switch (value.index()) {
      case 0:
        return ValueType::kScalar;
      case 1:
        return ValueType::kString;
      case 2:
        return ValueType::kVector;
      default:
        return ValueType::kMatrix;
    }
  }
};

}  // namespace sextant::promql

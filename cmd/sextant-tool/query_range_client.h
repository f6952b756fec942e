#pragma once

// A client of Prometheus's /api/v1/query_range, as promtool's (client_golang 1.14's v1 API):
// the request promtool sends and the errors it reports, so that `create-blocks-from rules`
// (backfill_rules.h) reads as promtool's against any Prometheus-compatible server.
//
// The request is a form-encoded POST of query, start, end and step (times in Unix seconds with
// the shortest decimal fraction, step in seconds), retried as a GET when the server answers 405
// or 501. Errors read as client_golang's (Unavailable), e.g.
//   execution: found duplicate series for the match group ...     (the API's errorType: error)
//   server_error: server error: 500                                (a status without API body)
//   bad_response: inconsistent body for response code
//   Post "http://h:9/api/v1/query_range": dial tcp h:9: connection failed (refused or unreachable)
// and a result other than a matrix is FailedPrecondition "rule result is wrong type vector"
// (promtool's own check, which it reports without the "query range: " of the others).
//
// Thread-safety: not thread-safe; one query at a time.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "model/labels.h"
#include "model/sample.h"

namespace sextant::tool {

struct RangeSeries {
  model::Labels metric;
  std::vector<model::Sample> samples;  // as the server sent them (sorted by time)
};

struct RangeResult {
  std::vector<RangeSeries> matrix;
  std::vector<std::string> warnings;
};

// The query_range call promtool's rule importer makes; an interface so that tests can answer it.
class QueryRangeApi {
 public:
  virtual ~QueryRangeApi() = default;
  // Errors: as described above; a result other than a matrix is an error.
  virtual absl::StatusOr<RangeResult> QueryRange(std::string_view query, absl::Time start,
                                                 absl::Time end, absl::Duration step) = 0;
};

// Decodes one response of the API (its HTTP status and body) as client_golang does.
absl::StatusOr<RangeResult> DecodeQueryRangeResponse(int http_status, std::string_view body);

// Go's strconv.FormatFloat(x, 'f', -1, 64) of a time in Unix seconds, as client_golang formats
// start and end ("1700000024.8721437"), and of a step in seconds ("60", "0.5").
std::string FormatApiSeconds(absl::Time t);
std::string FormatApiSeconds(absl::Duration d);

// The HTTP client for `url` (scheme://host[:port][/path prefix], as promtool's --url). Never
// fails: a URL it cannot use makes every QueryRange fail with Go's message
// (`Post "<url>": unsupported protocol scheme "ftp"`).
std::unique_ptr<QueryRangeApi> NewHttpQueryRangeApi(std::string_view url);

}  // namespace sextant::tool

#pragma once

// Prometheus's HTTP API envelope:
//   {"status":"success","data":<data>}
//   {"status":"error","errorType":"bad_data","error":"<message>"}
// and the mapping of error types to HTTP status codes.

#include <string>
#include <string_view>

namespace sextant::api {

enum class ErrorType {
  kBadData,
  kExecution,
  kCanceled,
  kTimeout,
  kInternal,
  kNotFound,
  kUnavailable
};

// The errorType string, e.g. "bad_data".
std::string_view ErrorTypeName(ErrorType type);
// bad_data 400, execution 422, canceled 499, timeout 503, internal 500, not_found 404,
// unavailable 503.
int ErrorTypeHttpCode(ErrorType type);

// `data_json` must be valid JSON.
std::string SuccessBody(std::string_view data_json);
std::string ErrorBody(ErrorType type, std::string_view message);

inline constexpr char kJsonContentType[] = "application/json";

}  // namespace sextant::api

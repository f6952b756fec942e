#pragma once

// --web.cors.origin: Prometheus's CORS headers for its API (httputil.SetCORS of 2.42, applied by
// the /api/v1 wrapper to every API response, OPTIONS included: Prometheus answers
// `OPTIONS /api/v1/<anything>` with 204 and these headers).
//
// For a request with an Origin header:
//   Access-Control-Allow-Headers: Accept, Authorization, Content-Type, Origin
//   Access-Control-Allow-Methods: GET, POST, OPTIONS
//   Access-Control-Expose-Headers: Date
//   Vary: Origin
//   Access-Control-Allow-Origin: *         when the flag is ".*" (the default), else
//   Access-Control-Allow-Origin: <origin>  when the origin fully matches the regex (none if not)
// Without an Origin header: no headers.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "re2/re2.h"

namespace sextant::api::web {

class CorsPolicy {
 public:
  // Compiles the flag's regex, anchored. Errors: InvalidArgument with Prometheus's start-up
  // message: could not compile CORS regex string "(": error parsing regexp: missing closing ): `(`
  static absl::StatusOr<CorsPolicy> Create(std::string_view origin_regex);

  // The headers to set on an API response, given the request's Origin header (nullopt: none).
  // Thread-safe.
  std::vector<std::pair<std::string_view, std::string>> Headers(
      std::optional<std::string_view> origin) const;

  // Whether the origin may read the response (an Allow-Origin header is sent).
  bool Allows(std::string_view origin) const;

 private:
  CorsPolicy(std::shared_ptr<const RE2> re, bool any) : re_(std::move(re)), any_(any) {}
  std::shared_ptr<const RE2> re_;
  bool any_;  // the regex is exactly ".*": answer "*"
};

}  // namespace sextant::api::web

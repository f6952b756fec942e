#pragma once

// HttpProvider: one `http_sd_configs` entry, as Prometheus's discovery/http. Every
// refresh_interval it GETs the URL (headers `Accept: application/json`, `User-Agent:
// Sextant/<version>`, `X-Prometheus-Refresh-Interval-Seconds: <seconds>`, and the entry's auth
// and TLS through scrape/http_client.h; the request times out after refresh_interval). The
// response must be 200 with Content-Type application/json (optionally `; charset=utf-8`) and hold
// a JSON list of target groups:
//
//   [{"targets": ["10.0.0.1:9100", ...], "labels": {"env": "prod", ...}}, ...]
//
// Each group gets the label `__meta_url="<url>"` and the source "<url>:<index>". When the list
// gets shorter, the groups at the indexes that disappeared are sent once as empty groups, as
// Prometheus does. A failure (connection, status, content type, JSON) is logged, counted in
// prometheus_sd_http_failures_total, and keeps the previous groups.
//
// Thread-safety: see RefreshProvider.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "config/config.h"
#include "discovery/refresh_provider.h"

namespace sextant::scrape {
class HttpClient;
}

namespace sextant::discovery {

// Parses an http_sd response body as Prometheus does: `null` or a list of objects with only the
// keys `targets` (a list of strings) and `labels` (an object of strings with valid label names);
// a null item is an error. Adds `__meta_url` and the sources. Errors: InvalidArgument.
absl::StatusOr<std::vector<TargetGroup>> ParseHttpSdResponse(std::string_view body,
                                                             const std::string& url);

// True for the Content-Types Prometheus accepts: application/json, optionally with
// `; charset=utf-8` (or "utf-8" quoted), in any case, surrounded by white space.
bool IsHttpSdContentType(std::string_view content_type);

class HttpProvider : public RefreshProvider {
 public:
  // `index`: the entry's position among its config's http_sd_configs (the name "http/<index>").
  HttpProvider(config::HttpSdConfig cfg, size_t index);
  ~HttpProvider() override;

 protected:
  absl::StatusOr<std::vector<TargetGroup>> Fetch() override;
  void Interrupt() override;

 private:
  absl::StatusOr<std::vector<TargetGroup>> FetchOnce();

  const config::HttpSdConfig cfg_;
  std::string path_;  // the URL's path and query
  std::unique_ptr<scrape::HttpClient> client_;
  size_t last_length_ = 0;  // groups in the last successful response
};

}  // namespace sextant::discovery

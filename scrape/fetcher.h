#pragma once

// Fetcher: one target's HTTP(S) client, as Prometheus's targetScraper: GET the scrape URL with
// the `Accept` header negotiating OpenMetrics and the text format, `Accept-Encoding: gzip`
// (unless `enable_compression: false`), `User-Agent`, `X-Prometheus-Scrape-Timeout-Seconds`;
// `basic_auth`, `authorization` (credentials or `_file`, read at every scrape), `tls_config`
// (`ca`/`ca_file`, client certificate and key inline or as files, `insecure_skip_verify`,
// `server_name`) as set up by scrape/http_client.h; the body decompressed and bounded by
// `body_size_limit`. The connection is kept alive between scrapes.
//
// Errors (the target's lastError), as Prometheus words them: `server returned HTTP status 500
// Internal Server Error`, `body size limit exceeded`, a timeout, a refused connection.
//
// Thread-safety: one Fetcher per scrape loop; not thread-safe.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "config/config.h"

namespace sextant::scrape {

class HttpClient;

struct FetchResult {
  absl::Status status;
  std::string body;          // decompressed
  std::string content_type;  // of the response
};

class Fetcher {
 public:
  // `url` is the target's scrape URL (scheme://host[:port]/path?query).
  Fetcher(std::string url, const config::ScrapeConfig& cfg);
  ~Fetcher();
  Fetcher(const Fetcher&) = delete;
  Fetcher& operator=(const Fetcher&) = delete;

  FetchResult Fetch(absl::Duration timeout);

  // The Accept header for `protocols` (Prometheus's names; empty: its default order).
  static std::string AcceptHeader(const std::vector<std::string>& protocols);

 private:
  const std::string url_;
  std::string path_;  // path and query
  const config::ScrapeConfig cfg_;
  std::string accept_;
  std::unique_ptr<HttpClient> client_;  // scrape/http_client.h: auth and TLS
  absl::Status init_error_;
  size_t last_body_size_ = 0;
};

}  // namespace sextant::scrape

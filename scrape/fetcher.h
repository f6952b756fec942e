#pragma once

// Fetcher: one target's HTTP(S) client, as Prometheus's targetScraper: GET the scrape URL with
// the `Accept` header negotiating OpenMetrics and the text format, `Accept-Encoding: gzip`
// (unless `enable_compression: false`), `User-Agent`, `X-Prometheus-Scrape-Timeout-Seconds`;
// `basic_auth`, `authorization` (credentials or `_file`, read at every scrape), `tls_config`
// (`ca`/`ca_file`, client certificate and key inline or as files, `insecure_skip_verify`,
// `server_name`); the body decompressed
// and bounded by
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

namespace httplib {
class Client;
}

namespace sextant::scrape {

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
  std::string WriteTemp(const std::string& content);

  const std::string url_;
  std::string path_;  // path and query
  const config::ScrapeConfig cfg_;
  std::string accept_;
  std::unique_ptr<httplib::Client> client_;
  absl::Status init_error_;
  size_t last_body_size_ = 0;
  std::string host_header_;
  std::vector<std::string>
      temp_files_;  // inline tls_config PEM, removed with the fetcher  // the target's host:port
                    // when tls_config.server_name replaces it
};

}  // namespace sextant::scrape

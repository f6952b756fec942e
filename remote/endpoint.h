#pragma once

// A remote_write or remote_read URL split for scrape::HttpClient, which connects to
// scheme://host[:port] and sends requests with a path: the base without userinfo (credentials
// come from the entry's basic_auth), and the path with its query, without the fragment.
//
// HttpClientPool: scrape::HttpClient serves one request at a time, and a remote endpoint is sent
// to (or read from) by several threads at once; the pool hands each its own client and keeps
// them for reuse, so connections are kept alive between requests.
//
// Thread-safety: SplitEndpoint is a pure function; HttpClientPool's methods may be called from
// any thread.

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "config/config.h"
#include "util/mutex.h"

namespace sextant::scrape {
class HttpClient;
}

namespace sextant::remote {

struct Endpoint {
  std::string base;  // "https://host:port"
  std::string path;  // "/api/v1/write?x=y", "/" at least
};

// Errors: InvalidArgument when the scheme is not http or https, or there is no host; the message
// starts with `section` ("remote_write url \"...\": no host").
absl::StatusOr<Endpoint> SplitEndpoint(std::string_view url, std::string_view section);

class HttpClientPool {
 public:
  // Clients connect to `base` with the entry's HTTP settings, `timeout` as connection, read and
  // write timeout, keep-alive on, then `configure` (may be null) adjusts each new one.
  HttpClientPool(std::string base, config::HttpClientConfig http, absl::Duration timeout,
                 std::function<void(scrape::HttpClient&)> configure = nullptr);
  ~HttpClientPool();

  // Creates a client now and returns its init_status(): unusable TLS or proxy settings fail when
  // the config is applied rather than at the first request. The client is kept for reuse.
  absl::Status Probe();
  // An idle client, or a new one.
  std::unique_ptr<scrape::HttpClient> Acquire();
  // Gives a client back for reuse.
  void Release(std::unique_ptr<scrape::HttpClient> client);

 private:
  const std::string base_;
  const config::HttpClientConfig http_;
  const absl::Duration timeout_;
  const std::function<void(scrape::HttpClient&)> configure_;
  util::Mutex mu_;
  std::vector<std::unique_ptr<scrape::HttpClient>> idle_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sextant::remote

#pragma once

// WriteClient: sends one encoded remote-write request (codec.h) to a remote_write endpoint, and
// says whether a failed send may be retried, as Prometheus's storage/remote/client.go Store does.
//
// HttpWriteClient, the real one, POSTs the body to the entry's url with
//   Content-Encoding: snappy
//   Content-Type: application/x-protobuf
//   User-Agent: Sextant/<version>
//   X-Prometheus-Remote-Write-Version: 0.1.0   (remote write 1.0)
//   Retry-Attempt: <n>                         (only on a retry, n >= 1)
// plus the entry's `headers`, with its auth, TLS and proxy settings (scrape::HttpClient) and
// `remote_timeout` as the connection, read and write timeout.
//
// Classification (WriteResult::Kind):
//   - kOk: any 2xx;
//   - kRecoverable: 5xx, a connection or timeout error, and 429 when the entry's
//     queue_config.retry_on_http_429 is set; a
//     Retry-After header (delay-seconds or an HTTP date) gives retry_after;
//   - kNonRecoverable: every other status (4xx, 3xx not followed), and requests that cannot be
//     sent at all (unusable URL, unreadable secret file).
// The message is Prometheus's: "server returned HTTP status 400 Bad Request: <body>", with the
// body cut at 1024 bytes and at its first line break.

#include <cstdint>
#include <map>
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

struct WriteResult {
  enum class Kind { kOk, kRecoverable, kNonRecoverable };

  Kind kind = Kind::kOk;
  int http_status = 0;  // 0 when no response was received
  std::string message;  // "" when kOk
  // How long the server asked to wait before the next attempt (Retry-After); zero when it did
  // not say, or named a time already past.
  absl::Duration retry_after = absl::ZeroDuration();

  bool ok() const { return kind == Kind::kOk; }
  static WriteResult Ok() { return {}; }
  static WriteResult Recoverable(std::string message, absl::Duration retry_after = {},
                                 int http_status = 0);
  static WriteResult NonRecoverable(std::string message, int http_status = 0);
};

// Thread-safety: implementations are safe to call from several threads at once (one call per
// shard at a time).
class WriteClient {
 public:
  virtual ~WriteClient() = default;

  // Sends `body`, a snappy-compressed prometheus.WriteRequest. `attempt` is 0 for the first try
  // of a batch and counts the retries after it. Blocks for at most about remote_timeout.
  virtual WriteResult Store(std::string_view body, int attempt) = 0;

  // The endpoint, for logs ("" when there is none).
  virtual std::string_view endpoint() const = 0;
};

// The delay a Retry-After header value asks for, as Prometheus's retryAfterDuration: an HTTP date
// ("Wed, 21 Oct 2015 07:28:00 GMT", relative to `now`) or a whole number of seconds. Zero for an
// empty or unparsable value (then the sender's own backoff applies); negative for a date in the
// past.
absl::Duration ParseRetryAfter(std::string_view value, absl::Time now);

class HttpWriteClient : public WriteClient {
 public:
  // Errors: InvalidArgument when the url is not http(s)://host[:port][/path]; the HttpClient's
  // init_status() (InvalidArgument, Unimplemented, Internal) when its settings are unusable.
  static absl::StatusOr<std::unique_ptr<HttpWriteClient>> Create(
      const config::RemoteWriteConfig& cfg);
  ~HttpWriteClient() override;

  WriteResult Store(std::string_view body, int attempt) override;
  std::string_view endpoint() const override { return url_; }

 private:
  HttpWriteClient(const config::RemoteWriteConfig& cfg, std::string base, std::string path);

  // A client from the pool, or a new one: scrape::HttpClient serves one request at a time, and
  // each shard sends concurrently.
  std::unique_ptr<scrape::HttpClient> Acquire();
  void Release(std::unique_ptr<scrape::HttpClient> client);

  const std::string url_;
  const std::string base_;  // scheme://host[:port]
  const std::string path_;  // path and query, "/" at least
  const config::HttpClientConfig http_;
  const std::map<std::string, std::string> headers_;
  const absl::Duration timeout_;
  const bool retry_on_http_429_;

  util::Mutex mu_;
  std::vector<std::unique_ptr<scrape::HttpClient>> idle_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sextant::remote

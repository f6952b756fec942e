#pragma once

// WriteClient: sends one encoded remote-write request (codec.h) to a remote_write endpoint, and
// says whether a failed send may be retried, as Prometheus's storage/remote/client.go Store does.
// The wire is described in docs/format/remote.md.
//
// HttpWriteClient, the real one, POSTs the body to the entry's url with
//   Content-Encoding: snappy
//   Content-Type: application/x-protobuf                                          (1.0)
//                 application/x-protobuf;proto=io.prometheus.write.v2.Request     (2.0)
//   User-Agent: Sextant/<version>
//   X-Prometheus-Remote-Write-Version: 0.1.0 (1.0) or 2.0.0 (2.0)
//   Retry-Attempt: <n>                         (only on a retry, n >= 1)
// plus the entry's `headers`, with its auth, TLS and proxy settings (scrape::HttpClient) and
// `remote_timeout` as the connection, read and write timeout. The version is the entry's
// `protobuf_message`: prometheus.WriteRequest (1.0, also for metadata-only requests) or
// io.prometheus.write.v2.Request (2.0).
//
// Classification (WriteResult::Kind):
//   - kOk: any 2xx;
//   - kRecoverable: 5xx, a connection or timeout error, and 429 when the entry's
//     queue_config.retry_on_http_429 is set; a
//     Retry-After header (delay-seconds or an HTTP date) gives retry_after;
//   - kNonRecoverable: every other status (4xx, 3xx not followed), and requests that cannot be
//     sent at all (unusable URL, unreadable secret file). This includes 415 Unsupported Media
//     Type, a 1.0-only receiver's answer to a 2.0 request: as in Prometheus 3.x, the sender does
//     not fall back to 1.0; the batch is dropped and the entry must be configured for 1.0.
// The message is Prometheus's: "server returned HTTP status 400 Bad Request: <body>", with the
// body cut at 1024 bytes and at its first line break.
//
// Written counts (remote write 2.0's response headers, read from every answer of either version
// as Prometheus does): X-Prometheus-Remote-Write-Samples-Written, -Histograms-Written and
// -Exemplars-Written land in WriteResult::samples_written etc. A header that is absent or empty
// is nullopt; one that is not a whole number counts as present with 0. Any one present means the
// receiver confirmed its counts (written_confirmed()). Prometheus 3.x's rules on them, applied by
// CheckWritten (and StoreBatch, which calls it):
//   - 2.0: a 2xx whose headers report nothing written (all absent or 0) for a request that
//     carried at least one sample, histogram or exemplar is kNonRecoverable: the receiver most
//     likely parsed the 2.0 body as a 1.0 WriteRequest, found it empty, and ignored
//     Content-Type. A partial count on a 2xx stays kOk (the difference counts as failed).
//   - 1.0: a 2xx without any of the headers means everything sent was written (a 1.0 receiver);
//     with them, the headers' counts are what was written.
// WriteResult::Accepted gives those counts for the sender's failed-sample metrics.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "config/config.h"
#include "remote/endpoint.h"
#include "util/mutex.h"

namespace sextant::scrape {
class HttpClient;
}

namespace sextant::remote {

// The message a remote_write entry posts.
enum class WriteMessage {
  kV1,  // prometheus.WriteRequest, remote write 1.0
  kV2,  // io.prometheus.write.v2.Request, remote write 2.0
};

// The message `protobuf_message` (config::RemoteWriteConfig) names.
// Errors: InvalidArgument for any name but "prometheus.WriteRequest" and
// "io.prometheus.write.v2.Request".
absl::StatusOr<WriteMessage> ParseWriteMessage(std::string_view protobuf_message);

// How many samples, native histograms and exemplars a request carried, or a receiver wrote.
struct WriteCounts {
  int64_t samples = 0;
  int64_t histograms = 0;
  int64_t exemplars = 0;

  int64_t total() const { return samples + histograms + exemplars; }
  bool operator==(const WriteCounts&) const = default;
};

struct WriteResult {
  enum class Kind { kOk, kRecoverable, kNonRecoverable };

  Kind kind = Kind::kOk;
  int http_status = 0;  // 0 when no response was received
  std::string message;  // "" when kOk
  // How long the server asked to wait before the next attempt (Retry-After); zero when it did
  // not say, or named a time already past.
  absl::Duration retry_after = absl::ZeroDuration();
  // The X-Prometheus-Remote-Write-{Samples,Histograms,Exemplars}-Written response headers:
  // nullopt when absent or empty, 0 for a value that is not a whole number (see the top).
  std::optional<int64_t> samples_written;
  std::optional<int64_t> histograms_written;
  std::optional<int64_t> exemplars_written;

  bool ok() const { return kind == Kind::kOk; }
  // Whether the receiver sent any of the written-count headers (it speaks 2.0).
  bool written_confirmed() const {
    return samples_written.has_value() || histograms_written.has_value() ||
           exemplars_written.has_value();
  }
  // The counts of the headers, absent ones as 0.
  WriteCounts written() const {
    return {samples_written.value_or(0), histograms_written.value_or(0),
            exemplars_written.value_or(0)};
  }
  // What the receiver wrote of a request that carried `sent`, as Prometheus counts it: all of it
  // for a 2xx without written-count headers (a 1.0 receiver; a 2.0 send of data answered so has
  // been made kNonRecoverable by CheckWritten), otherwise written().
  WriteCounts Accepted(const WriteCounts& sent) const {
    return ok() && !written_confirmed() ? sent : written();
  }
  static WriteResult Ok() { return {}; }
  static WriteResult Recoverable(std::string message, absl::Duration retry_after = {},
                                 int http_status = 0);
  static WriteResult NonRecoverable(std::string message, int http_status = 0);
};

// Applies Prometheus 3.x's rule on written counts (see the top) to the `result` of sending a
// `message` request that carried `sent`: a 2.0 send of at least one item answered 2xx with
// nothing reported written becomes kNonRecoverable (http_status and the counts kept) with
// Prometheus's message; every other result is returned unchanged.
WriteResult CheckWritten(WriteResult result, WriteMessage message, const WriteCounts& sent);

// Thread-safety: implementations are safe to call from several threads at once (one call per
// shard at a time).
class WriteClient {
 public:
  virtual ~WriteClient() = default;

  // Sends `body`, a snappy-compressed request of message(): prometheus.WriteRequest or
  // io.prometheus.write.v2.Request. `attempt` is 0 for the first try of a batch and counts the
  // retries after it. Blocks for at most about remote_timeout. The result carries the response's
  // written-count headers, but Store does not judge them (it does not know what the body
  // carried): use StoreBatch, or CheckWritten on the result.
  virtual WriteResult Store(std::string_view body, int attempt) = 0;

  // Store, then CheckWritten for a body that carried `sent`. A 1.0 metadata-only request
  // carries none ({}): its counts mean nothing, as for Prometheus's metadata sender.
  WriteResult StoreBatch(std::string_view body, int attempt, const WriteCounts& sent) {
    return CheckWritten(Store(body, attempt), message(), sent);
  }

  // The message this client's bodies are (the Content-Type and version headers it sends).
  virtual WriteMessage message() const { return WriteMessage::kV1; }

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
  // Errors: InvalidArgument when the url is not http(s)://host[:port][/path] or
  // protobuf_message is not one of the two messages; the HttpClient's init_status()
  // (InvalidArgument, Unimplemented, Internal) when its settings are unusable.
  static absl::StatusOr<std::unique_ptr<HttpWriteClient>> Create(
      const config::RemoteWriteConfig& cfg);
  ~HttpWriteClient() override;

  WriteResult Store(std::string_view body, int attempt) override;
  std::string_view endpoint() const override { return url_; }
  WriteMessage message() const override { return message_; }

 private:
  HttpWriteClient(const config::RemoteWriteConfig& cfg, WriteMessage message, std::string base,
                  std::string path);

  const std::string url_;
  const WriteMessage message_;
  const std::string path_;  // path and query, "/" at least
  const std::map<std::string, std::string> headers_;
  const bool retry_on_http_429_;
  // Each shard sends concurrently; scrape::HttpClient serves one request at a time.
  HttpClientPool pool_;
};

}  // namespace sextant::remote

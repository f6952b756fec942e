#include "remote/write_client.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <utility>

#include <httplib.h>

#include "remote/endpoint.h"
#include "scrape/http_client.h"
#include "util/build_info.h"
#include "util/go_format.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace sextant::remote {
namespace {

using util::StrCat;

// Prometheus reads at most this much of an error response's body.
constexpr size_t kMaxErrMsgLen = 1024;

constexpr std::string_view kV1Message = "prometheus.WriteRequest";
constexpr std::string_view kV2Message = "io.prometheus.write.v2.Request";

// A written-count header as Prometheus's ParseWriteResponseStats reads it: absent or empty is
// nullopt ("missing means 0", but unconfirmed); a value strconv.Atoi refuses is present as 0.
std::optional<int64_t> WrittenHeader(const httplib::Response& res, const char* name) {
  const std::string v = res.get_header_value(name);
  if (v.empty()) return std::nullopt;
  std::string_view digits = v;
  if (digits.front() == '+') digits.remove_prefix(1);  // Atoi takes a sign, from_chars only '-'
  int64_t n = 0;
  const char* end = digits.data() + digits.size();
  auto [ptr, ec] = std::from_chars(digits.data(), end, n);
  if (digits.empty() || ec != std::errc() || ptr != end) return 0;
  return n;
}

std::string FirstLine(std::string_view body) {
  body = body.substr(0, kMaxErrMsgLen);
  if (const size_t eol = body.find_first_of("\r\n"); eol != std::string_view::npos) {
    body = body.substr(0, eol);
  }
  return std::string(body);
}

}  // namespace

WriteResult WriteResult::Recoverable(std::string message, absl::Duration retry_after,
                                     int http_status) {
  WriteResult r;
  r.kind = Kind::kRecoverable;
  r.http_status = http_status;
  r.message = std::move(message);
  r.retry_after = retry_after;
  return r;
}

WriteResult WriteResult::NonRecoverable(std::string message, int http_status) {
  WriteResult r;
  r.kind = Kind::kNonRecoverable;
  r.http_status = http_status;
  r.message = std::move(message);
  return r;
}

absl::StatusOr<WriteMessage> ParseWriteMessage(std::string_view protobuf_message) {
  if (protobuf_message == kV1Message) return WriteMessage::kV1;
  if (protobuf_message == kV2Message) return WriteMessage::kV2;
  return absl::InvalidArgumentError(StrCat("unknown remote write protobuf message ",
                                           util::QuoteGo(protobuf_message), ", expected ",
                                           kV1Message, " or ", kV2Message));
}

WriteResult CheckWritten(WriteResult result, WriteMessage message, const WriteCounts& sent) {
  if (message != WriteMessage::kV2 || !result.ok() || sent.total() == 0 ||
      result.written().total() != 0) {
    return result;
  }
  const WriteCounts w = result.written();
  // Prometheus's text, its spelling included, so that logs read alike.
  result.kind = WriteResult::Kind::kNonRecoverable;
  result.message = StrCat(
      "sent v2 request with ", sent.samples, " samples, ", sent.histograms, " histograms and ",
      sent.exemplars, " exemplars; got 2xx, but PRW 2.0 response header statistics indicate ",
      w.samples, " samples, ", w.histograms, " histograms and ", w.exemplars,
      " exemplars were accepted; assumining failure e.g. the target only supports PRW 1.0 "
      "prometheus.WriteRequest, but does not check the Content-Type header correctly");
  return result;
}

absl::Duration ParseRetryAfter(std::string_view value, absl::Time now) {
  // Go's http.TimeFormat; HTTP dates are always GMT.
  absl::Time when;
  std::string err;
  if (absl::ParseTime("%a, %d %b %Y %H:%M:%S GMT", std::string(value), absl::UTCTimeZone(), &when,
                      &err)) {
    // Whole seconds, as Prometheus truncates time.Until(...).Seconds().
    return absl::Seconds(absl::ToInt64Seconds(when - now));
  }
  int64_t seconds = 0;
  const char* end = value.data() + value.size();
  auto [ptr, ec] = std::from_chars(value.data(), end, seconds);
  if (value.empty() || ec != std::errc() || ptr != end) return absl::ZeroDuration();
  return absl::Seconds(seconds);
}

absl::StatusOr<std::unique_ptr<HttpWriteClient>> HttpWriteClient::Create(
    const config::RemoteWriteConfig& cfg) {
  absl::StatusOr<WriteMessage> message = ParseWriteMessage(cfg.protobuf_message);
  if (!message.ok()) return message.status();
  absl::StatusOr<Endpoint> endpoint = SplitEndpoint(cfg.url, "remote_write");
  if (!endpoint.ok()) return endpoint.status();
  std::unique_ptr<HttpWriteClient> client(
      new HttpWriteClient(cfg, *message, std::move(endpoint->base), std::move(endpoint->path)));
  // Fail early on unusable TLS or proxy settings rather than at the first send.
  RETURN_IF_ERROR(client->pool_.Probe());
  return client;
}

HttpWriteClient::HttpWriteClient(const config::RemoteWriteConfig& cfg, WriteMessage message,
                                 std::string base, std::string path)
    : url_(cfg.url),
      message_(message),
      path_(std::move(path)),
      headers_(cfg.headers),
      retry_on_http_429_(cfg.queue_config.retry_on_http_429),
      pool_(std::move(base), cfg.http, cfg.remote_timeout) {}

HttpWriteClient::~HttpWriteClient() = default;

WriteResult HttpWriteClient::Store(std::string_view body, int attempt) {
  std::unique_ptr<scrape::HttpClient> client = pool_.Acquire();
  if (!client->init_status().ok()) {
    return WriteResult::NonRecoverable(std::string(client->init_status().message()));
  }
  const bool v2 = message_ == WriteMessage::kV2;
  httplib::Headers headers;
  // The entry's own headers first: the protocol's ones below must win.
  for (const auto& [name, value] : headers_) headers.emplace(name, value);
  auto set = [&headers](const std::string& name, std::string value) {
    headers.erase(name);
    headers.emplace(name, std::move(value));
  };
  set("Content-Encoding", "snappy");
  // 1.0 keeps the bare type (not ";proto=prometheus.WriteRequest"), as Prometheus does, for
  // receivers that compare it exactly. Set here rather than as Post's content type, which
  // httplib would add beside a configured Content-Type instead of replacing it.
  set("Content-Type", v2 ? "application/x-protobuf;proto=io.prometheus.write.v2.Request"
                         : "application/x-protobuf");
  set("User-Agent", StrCat("Sextant/", util::GetBuildInfo().version));
  set("X-Prometheus-Remote-Write-Version", v2 ? "2.0.0" : "0.1.0");
  if (attempt > 0) set("Retry-Attempt", StrCat(attempt));
  if (absl::Status s = client->PrepareRequest(&headers); !s.ok()) {
    pool_.Release(std::move(client));
    return WriteResult::NonRecoverable(std::string(s.message()));
  }

  httplib::Result res =
      client->client().Post(path_, headers, body.data(), body.size(), /*content_type=*/"");
  if (!res) {
    std::string message =
        StrCat("Post ", util::QuoteGo(url_), ": ", client->ErrorText(res.error()));
    // A failed connection is dropped by httplib; the client itself stays usable.
    pool_.Release(std::move(client));
    return WriteResult::Recoverable(std::move(message));
  }
  pool_.Release(std::move(client));

  // Read on every answer of either version: a 1.0 receiver may send them too, and an error answer
  // may still report what it wrote.
  const std::optional<int64_t> samples_written =
      WrittenHeader(*res, "X-Prometheus-Remote-Write-Samples-Written");
  const std::optional<int64_t> histograms_written =
      WrittenHeader(*res, "X-Prometheus-Remote-Write-Histograms-Written");
  const std::optional<int64_t> exemplars_written =
      WrittenHeader(*res, "X-Prometheus-Remote-Write-Exemplars-Written");
  auto with_counts = [&](WriteResult r) {
    r.samples_written = samples_written;
    r.histograms_written = histograms_written;
    r.exemplars_written = exemplars_written;
    return r;
  };

  const int status = res->status;
  if (status / 100 == 2) {
    WriteResult ok = WriteResult::Ok();
    ok.http_status = status;
    return with_counts(std::move(ok));
  }
  // Go's Response.Status: the code and the reason phrase of the server's status line.
  const std::string_view reason =
      res->reason.empty() ? scrape::HttpStatusText(status) : std::string_view(res->reason);
  std::string message =
      StrCat("server returned HTTP status ", status, " ", reason, ": ", FirstLine(res->body));
  if (status / 100 == 5 || (retry_on_http_429_ && status == 429)) {
    const absl::Duration retry_after =
        ParseRetryAfter(res->get_header_value("Retry-After"), absl::Now());
    return with_counts(WriteResult::Recoverable(
        std::move(message), std::max(retry_after, absl::ZeroDuration()), status));
  }
  return with_counts(WriteResult::NonRecoverable(std::move(message), status));
}

}  // namespace sextant::remote

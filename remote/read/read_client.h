#pragma once

// ReadClient: the client side of Prometheus's remote read protocol for one remote_read entry, as
// storage/remote/client.go does it. A Read() POSTs one snappy-compressed ReadRequest (one Query)
// to the entry's url and decodes the answer, which is either
//   - SAMPLES: Content-Type application/x-protobuf, a snappy-compressed ReadResponse, or
//   - STREAMED_XOR_CHUNKS: Content-Type "application/x-streamed-protobuf;
//     proto=prometheus.ChunkedReadResponse", frames of uvarint(len), CRC32-Castagnoli (4 bytes,
//     big-endian), ChunkedReadResponse (docs/format/remote-read-stream.md).
// The request lists accepted_response_types [STREAMED_XOR_CHUNKS, SAMPLES] as Prometheus 3.x's
// client does, so a server that streams streams and one that does not (Prometheus before 2.13,
// other implementations) answers with samples; both are decoded here. Request headers: the
// entry's `headers` (the protocol's own win), Content-Encoding: snappy, Accept-Encoding: snappy,
// Content-Type: application/x-protobuf, User-Agent, X-Prometheus-Remote-Read-Version: 0.1.0;
// auth, TLS and proxy come from the entry's http client settings via scrape::HttpClient. Every
// request is bounded by remote_timeout.
//
// Thread-safety: Read() may be called concurrently (each call uses its own connection).

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
#include "model/labels.h"
#include "model/matcher.h"
#include "model/sample.h"
#include "remote/endpoint.h"
#include "tsdb/storage.h"
#include "util/mutex.h"

namespace sextant::scrape {
class HttpClient;
}

namespace sextant::remote {

// The response types of ReadRequest.accepted_response_types, with their wire values.
enum class ReadResponseType { kSamples = 0, kStreamedXorChunks = 1 };

// What Prometheus 3.x's client asks for: streamed chunks first, samples accepted.
inline const std::vector<ReadResponseType> kDefaultAcceptedResponseTypes = {
    ReadResponseType::kStreamedXorChunks, ReadResponseType::kSamples};

// A frame of a streamed answer larger than this is refused (Prometheus's default
// chunked_read_limit, 50 MiB).
inline constexpr uint64_t kDefaultChunkedReadLimit = 50ull << 20;

// One query of a read request: the range [start_ms, end_ms] and the matchers, plus the selection
// hints sent as ReadHints (step_ms, func, start_ms, end_ms) when `hints` is set.
struct RemoteQuery {
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  std::vector<model::Matcher> matchers;
  std::optional<tsdb::SelectHints> hints;
};

// One decoded series: labels and float samples in time order.
struct RemoteSeries {
  model::Labels labels;
  std::vector<model::Sample> samples;
  bool operator==(const RemoteSeries&) const = default;
};

// The snappy-compressed, serialized ReadRequest holding `query`, listing `accepted`.
std::string EncodeRemoteReadRequest(const RemoteQuery& query,
                                    const std::vector<ReadResponseType>& accepted);

// Decodes a SAMPLES answer (snappy-compressed ReadResponse) that must hold exactly one
// QueryResult. Series come back in the order sent. Errors: InvalidArgument when the body is not
// snappy, not a ReadResponse, or holds another number of results ("responses: want 1, got N").
absl::StatusOr<std::vector<RemoteSeries>> DecodeSampledReadResponse(std::string_view snappy_body);

// Decodes a STREAMED_XOR_CHUNKS answer: every frame's series, keeping the samples in [mint,
// maxt]. Consecutive frames of the same labels (a long series split by the server) become one
// series; series come back in stream order. Errors: DataLoss for a truncated frame, a bad
// checksum, an undecodable message or XOR chunk; InvalidArgument for a frame over
// `frame_limit` bytes or a chunk that is not XOR (native histograms are not supported).
absl::StatusOr<std::vector<RemoteSeries>> DecodeStreamedReadResponse(
    std::string_view body, int64_t mint, int64_t maxt,
    uint64_t frame_limit = kDefaultChunkedReadLimit);

class ReadClient {
 public:
  // Errors: InvalidArgument when the url is not http(s)://host[:port][/path] or the TLS or proxy
  // settings are unusable (what scrape::HttpClient::init_status() says).
  static absl::StatusOr<std::unique_ptr<ReadClient>> Create(const config::RemoteReadConfig& cfg);
  ~ReadClient();
  ReadClient(const ReadClient&) = delete;
  ReadClient& operator=(const ReadClient&) = delete;

  // Runs `query` against the remote and returns its series sorted by labels, each label set once
  // (equal label sets merged, the first one's sample winning on equal timestamps).
  // `accepted` is the accepted_response_types list (kDefaultAcceptedResponseTypes: stream
  // preferred). Errors, worded as Prometheus's client words them:
  //   Unavailable "error sending request: Post \"<url>\": <why>" when no answer came (connection
  //     refused, timeout after remote_timeout, ...);
  //   Unavailable "remote server <url> returned http status <code> <text>: <body>" for a non-2xx;
  //   InvalidArgument "unsupported content type: <type>", or the decoders' errors.
  absl::StatusOr<std::vector<RemoteSeries>> Read(
      const RemoteQuery& query,
      const std::vector<ReadResponseType>& accepted = kDefaultAcceptedResponseTypes);

  const std::string& url() const { return url_; }

 private:
  ReadClient(const config::RemoteReadConfig& cfg, std::string base, std::string path);

  const std::string url_;
  const std::string path_;  // path and query, at least "/"
  const std::map<std::string, std::string> headers_;
  HttpClientPool pool_;
};

// Sorts `series` by labels and merges equal label sets (samples merged by timestamp, the earlier
// series' sample winning on equal timestamps).
void SortAndMergeSeries(std::vector<RemoteSeries>* series);

// A SeriesSet over decoded series, which must be sorted with unique labels (SortAndMergeSeries).
std::unique_ptr<tsdb::SeriesSet> NewRemoteSeriesSet(std::vector<RemoteSeries> series);

}  // namespace sextant::remote

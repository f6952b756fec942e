#pragma once

// Prometheus's remote write 1.0 receiver and remote read (sampled responses), without the HTTP
// layer: each function takes a request body and a storage and returns what to answer.
//
// Wire format: protobuf messages of Prometheus's `prometheus` package (prompb/remote.proto,
// prompb/types.proto beside this file), compressed with snappy's block format (not the framed
// format). Write bodies are WriteRequest; read bodies are ReadRequest and the answer is
// ReadResponse. Only float samples are stored and returned; exemplars, metadata and native
// histograms in a write are parsed, counted and dropped.
//
// HTTP mapping (Prometheus's, with one exception noted below):
//   POST /api/v1/write  OK -> 204 No Content; InvalidArgument -> 400 with the status message (the
//                       sender drops the batch instead of retrying it); anything else -> 500
//                       (the sender retries). Request Content-Encoding: snappy.
//   POST /api/v1/read   OK -> 200 with Content-Type kReadContentType and Content-Encoding
//                       kReadContentEncoding; InvalidArgument and ResourceExhausted -> 400
//                       (Prometheus answers the sample limit with 400 "exceeded sample limit (N)");
//                       anything else -> 500. Exception: Prometheus answers a matcher with a bad
//                       regex or an unknown type with 500; here they are InvalidArgument (400),
//                       since retrying the same request cannot help.
//
// Thread-safety: the functions are stateless; concurrent calls are safe as far as the storage is
// (tsdb::Storage is thread-safe). `body` is only read during the call.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "model/labels.h"
#include "model/matcher.h"
#include "model/sample.h"
#include "tsdb/storage.h"

namespace sextant::api::remote {

// A decompressed body larger than this is refused with InvalidArgument before anything is
// allocated for it (the snappy header states the size up front).
inline constexpr size_t kMaxDecompressedBytes = 64u << 20;

// A write sample newer than now + this is refused as "out of bounds" (Prometheus 3.x's
// maxAheadTime: a clock far ahead on the sender must not poison the head).
inline constexpr int64_t kMaxAheadMs = 10 * 60 * 1000;

// Default of --storage.remote.read-sample-limit; 0 means no limit.
inline constexpr int64_t kDefaultReadSampleLimit = 50'000'000;

inline constexpr char kReadContentType[] = "application/x-protobuf";
inline constexpr char kReadContentEncoding[] = "snappy";

// What one Write() did; filled only when it returns OK.
struct WriteStats {
  int64_t series = 0;   // series with valid labels, whose samples were appended
  int64_t samples = 0;  // float samples appended
  // Series skipped for invalid labels (see Write), and the float samples they carried.
  int64_t series_invalid_labels = 0;
  int64_t samples_invalid_labels = 0;
  // Parsed and dropped: not stored yet. Counted over the whole request.
  int64_t exemplars_ignored = 0;
  int64_t histograms_ignored = 0;
  int64_t metadata_ignored = 0;
};

// Receives one remote-write 1.0 request: `body` is the snappy-compressed WriteRequest.
//
// Every float sample of every series goes through ONE appender of `storage`, committed at the end:
// on any error the appender is rolled back and nothing of the request is visible.
//
// Labels are taken as Prometheus 3.x's receiver takes them: pairs are sorted by name (senders
// should send them sorted, but need not), labels with an empty value are dropped (a missing label
// and an empty one are the same series, as in Prometheus's head). A series is INVALID, and is
// skipped and counted in WriteStats (the rest of the request is still written and the call
// returns OK, as Prometheus does), when
//   - it has no __name__ label or an empty one,
//   - a label name is empty, or a name or value is not valid UTF-8 (names are otherwise not
//     restricted to the legacy [a-zA-Z_][a-zA-Z0-9_]* form: 3.x accepts UTF-8 names),
//   - a label name occurs twice.
// (Prometheus 2.42 differed: it allowed a missing __name__, required legacy metric and label
// names, and failed the whole request with 500 on a duplicate name.)
//
// Errors:
//   InvalidArgument: the body is not snappy ("snappy: corrupt input"), decompresses to more than
//     kMaxDecompressedBytes, or is not a WriteRequest by Prometheus's rules (wire_check.h: a
//     known field with the wrong wire type, a value or length past the end, ...; the message is
//     Prometheus's text, e.g. "proto: wrong wireType = 0 for field Samples"; logged at error
//     level as "Error decoding remote write request"); nothing is appended then. Or a
//     sample is out of order, a duplicate for its timestamp, or out of bounds (older than the
//     storage accepts, or newer than now + kMaxAheadMs). For those the status is exactly the
//     storage's (message "out of order sample", "duplicate sample for timestamp" or "out of
//     bounds", as Prometheus answers), so tsdb::AppendErrorOf() classifies it; the series and
//     timestamp are logged at error level.
//   Any other error of Append() or Commit(): returned unchanged (HTTP 500, the sender retries).
//
// Invalid series are logged at warn level ("Invalid metric names or labels"), as in Prometheus.
absl::Status Write(std::string_view body, tsdb::Storage& storage, WriteStats* stats = nullptr);

// Answers one remote-read request: `body` is the snappy-compressed ReadRequest; returns the
// snappy-compressed ReadResponse with one QueryResult per query, in request order.
//
// Each query selects, from a querier over [start_timestamp_ms, end_timestamp_ms], the series
// matching all its matchers (EQ, NEQ, RE, NRE; regexes fully anchored RE2, as in PromQL) and
// returns each with its labels (sorted by name) and every stored sample in that range, in time
// order. Like Prometheus (storage/remote/codec.go ToQueryResult), samples are returned raw as
// stored: stale markers (model::StaleNaN()) included, the reader's engine handles them. The
// query's hints are passed to Select(); func "series" asks for labels only, so such series come
// back without samples, as from Prometheus's TSDB. A query without matchers, or with
// start > end, matches nothing (as in Prometheus's TSDB) and gets an empty result.
//
// Response types: the answer is always the sampled ReadResponse (streaming is not implemented).
// An empty accepted_response_types means SAMPLES. Where Prometheus would stream (the first known
// type listed is STREAMED_XOR_CHUNKS, even if it is the only one), the sampled response is sent
// all the same: Prometheus 2.42's client never lists a type (so always gets samples), and the
// clients that ask for streaming (Prometheus's newer storage/remote/client.go, Thanos) choose
// their decoder by the response's Content-Type, which the HTTP layer sets to kReadContentType.
// A list naming neither known type is refused with InvalidArgument, as Prometheus's
// NegotiateResponseType refuses it (400).
//
// `max_samples` bounds each query's result (Prometheus's --storage.remote.read-sample-limit is
// per query as well); 0 means no limit.
//
// Errors: InvalidArgument for a body that is not snappy or not a ReadRequest (Prometheus's texts,
// as for Write), an unknown matcher
// type, a regex that does not compile, or only unknown response types; ResourceExhausted
// "exceeded sample limit (N)" when a query would return more than `max_samples` samples; storage
// errors (NewQuerier, series set, iterators) unchanged.
absl::StatusOr<std::string> Read(std::string_view body, tsdb::Storage& storage,
                                 int64_t max_samples = kDefaultReadSampleLimit);

// ---- Helpers for tests and clients (the encoders of what a Prometheus sender would send). ----

// A series as the helpers take and give it: labels and float samples in time order.
using SeriesSamples = std::pair<model::Labels, std::vector<std::pair<int64_t, double>>>;

// The snappy-compressed, serialized WriteRequest holding `series` in the given order (labels in
// name order, samples as given; no exemplars, histograms or metadata).
std::string EncodeWriteRequest(const std::vector<SeriesSamples>& series);

// The response types of ReadRequest.accepted_response_types, with their wire values.
enum class ResponseType { kSamples = 0, kStreamedXorChunks = 1 };

// One query of a read request. Matchers are given as plain (type, name, value) so that a request
// with a broken regex can be built too.
struct ReadQuery {
  struct MatcherSpec {
    model::MatchType type;
    std::string name;
    std::string value;
  };
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  std::vector<MatcherSpec> matchers;
};

// The snappy-compressed, serialized ReadRequest for `queries` (no hints), listing `accepted`.
std::string EncodeReadRequest(const std::vector<ReadQuery>& queries,
                              const std::vector<ResponseType>& accepted = {});

// One series of a read result: labels (Labels sorts them) and samples as sent.
struct ReadSeries {
  model::Labels labels;
  std::vector<model::Sample> samples;
  bool operator==(const ReadSeries&) const = default;
};

// Decodes a sampled remote-read answer (snappy-compressed ReadResponse): one vector of series per
// query, in query order. Errors: InvalidArgument when the body is not snappy or not a
// ReadResponse, or a series has a label name twice.
absl::StatusOr<std::vector<std::vector<ReadSeries>>> DecodeReadResponse(
    std::string_view snappy_body);

}  // namespace sextant::api::remote

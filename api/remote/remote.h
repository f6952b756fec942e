#pragma once

// Prometheus's remote write 1.0 receiver and remote read (sampled and streamed), without the HTTP
// layer: each function takes a request body and a storage and returns what to answer.
//
// Wire format: protobuf messages of Prometheus's `prometheus` package (prompb/remote.proto,
// prompb/types.proto beside this file), compressed with snappy's block format (not the framed
// format). Write bodies are WriteRequest; read bodies are ReadRequest and the answer is a
// ReadResponse or a stream of ChunkedReadResponse frames (docs/format/remote-read-stream.md). Only
// float samples are stored and returned; exemplars, metadata and native histograms in a write are
// parsed, counted and dropped.
//
// HTTP mapping (Prometheus's, with one exception noted below):
//   POST /api/v1/write  OK -> 204 No Content; InvalidArgument -> 400 with the status message (the
//                       sender drops the batch instead of retrying it); anything else -> 500
//                       (the sender retries). Request Content-Encoding: snappy.
//   POST /api/v1/read   OK -> 200 with ReadAnswer's Content-Type and Content-Encoding (none for a
//                       stream); InvalidArgument and ResourceExhausted -> 400
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

// The response types of ReadRequest.accepted_response_types, with their wire values.
enum class ResponseType { kSamples = 0, kStreamedXorChunks = 1 };

// Content types of the two answers (Prometheus's).
inline constexpr char kStreamedReadContentType[] =
    "application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse";

// Default of --storage.remote.read-max-bytes-in-frame.
inline constexpr int64_t kDefaultReadMaxBytesInFrame = 1'048'576;

// Chunks of the streamed answer hold at most this many samples (Prometheus's head cuts there).
inline constexpr int kMaxSamplesPerChunk = 120;

struct ReadOptions {
  // --storage.remote.read-sample-limit: the most samples one query of a SAMPLES answer may
  // return; 0 means no limit. Streamed answers ignore it, as Prometheus's do.
  int64_t sample_limit = kDefaultReadSampleLimit;
  // --storage.remote.read-max-bytes-in-frame: the frame budget of a streamed answer (see Read).
  int64_t max_bytes_in_frame = kDefaultReadMaxBytesInFrame;
  // The config's global external_labels (the caller reads the current config for each request,
  // so a reload applies to the next one). Empty: none. See Read.
  model::Labels external_labels;
};

// What to answer a read request with: HTTP 200 and these headers and body.
struct ReadAnswer {
  ResponseType type = ResponseType::kSamples;
  std::string content_type;      // kReadContentType or kStreamedReadContentType
  std::string content_encoding;  // kReadContentEncoding for samples, "" for a stream
  std::string body;
};

// Answers one remote-read request: `body` is the snappy-compressed ReadRequest.
//
// Response type (Prometheus's NegotiateResponseType): the first type in accepted_response_types
// that is SAMPLES or STREAMED_XOR_CHUNKS wins; an empty list means SAMPLES. A list naming neither
// is refused with InvalidArgument "server does not support any of the requested response types:
// [5]; supported: map[SAMPLES:{} STREAMED_XOR_CHUNKS:{}]" (Go's rendering of Prometheus's values).
//
// Each query selects, from a querier over [start_timestamp_ms, end_timestamp_ms], the series
// matching all its matchers (EQ, NEQ, RE, NRE; regexes fully anchored RE2, as in PromQL), in
// label order, and their samples in that range, raw as stored: stale markers (model::StaleNaN())
// included, the reader's engine handles them (Prometheus's codec.go does the same). The query's
// hints are passed to Select(). A query without matchers, or with start > end, matches nothing
// (as in Prometheus's TSDB).
//
// External labels (`options.external_labels`), as Prometheus's read handler, in both answer
// types: before selecting, each query's matchers go through FilterExternalLabelMatchers
// (external_labels.h: an equality matcher that the external label's value satisfies becomes
// `name=""`, every other matcher is kept and matched against the stored series); every returned
// series carries MergeExternalLabels(its labels, external labels): sorted by name, its own label
// winning over an external one of the same name. Series keep the order of their STORED labels
// (Prometheus does not sort again after adding), so with external labels that order may differ
// from the order of the labels sent. The frame budget below counts the merged labels.
//
// SAMPLES: the snappy-compressed ReadResponse with one QueryResult per query, in request order,
// each series with its labels (sorted by name) and samples, in the order of the stored labels. Hint
// func "series" asks for labels only, so such series come back without samples, as from
// Prometheus's TSDB. At most `options.sample_limit` samples per query (Prometheus's limit is per
// query as well).
//
// STREAMED_XOR_CHUNKS: the body is a sequence of frames (docs/format/remote-read-stream.md),
// each uvarint(len(data)), CRC32-Castagnoli(data) as 4 big-endian bytes, then data, a serialized
// ChunkedReadResponse holding ONE series (labels sorted by name) and some of its chunks, with
// query_index = the query's position in the request. Queries come in request order, series in
// label order, chunks in time order; a query that matches nothing sends no frame. Chunks are
// Prometheus XOR chunks (tsdb/chunkenc/xor_chunk.h, bit-identical to Prometheus's) of at most
// kMaxSamplesPerChunk samples, holding the series' samples in [start, end], encoded afresh (the
// storage interface gives samples, not its chunks); min/max_time_ms are their first and last
// timestamps. Frames are cut as Prometheus's StreamChunkedReadResponses cuts them: the budget is
// max_bytes_in_frame minus the encoded size of each label, chunks are added while the budget is
// positive, and the frame is written when it is used up or the series ends, so one frame can
// exceed the budget by one chunk and a long series is split over several frames (each repeating
// the labels). Hint func "series" does not drop the samples here (Prometheus's chunk querier
// ignores it). The sample limit does not apply. The whole stream is built before it is returned;
// an error therefore answers a status instead of a truncated 200 stream (Prometheus, streaming,
// appends the error text after the frames already sent).
//
// Errors: InvalidArgument for a body that is not snappy or not a ReadRequest (Prometheus's texts,
// as for Write), an unknown matcher type, a regex that does not compile, or only unknown response
// types; ResourceExhausted "exceeded sample limit (N)" when a SAMPLES query would return more
// than the limit; storage errors (NewQuerier, series set, iterators) unchanged.
absl::StatusOr<ReadAnswer> Read(std::string_view body, tsdb::Storage& storage,
                                const ReadOptions& options = {});

// ---- Helpers for tests and clients (the encoders of what a Prometheus sender would send). ----

// A series as the helpers take and give it: labels and float samples in time order.
using SeriesSamples = std::pair<model::Labels, std::vector<std::pair<int64_t, double>>>;

// The snappy-compressed, serialized WriteRequest holding `series` in the given order (labels in
// name order, samples as given; no exemplars, histograms or metadata).
std::string EncodeWriteRequest(const std::vector<SeriesSamples>& series);

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

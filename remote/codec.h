#pragma once

// The request bodies the remote-write sender posts, all compressed with snappy's block format
// (the wire is described in docs/format/remote.md):
//
//   - remote write 1.0: a prometheus.WriteRequest (api/remote/prompb/remote.proto, types.proto)
//     carrying series (EncodeSnappyWriteRequest) or, in a request of its own, only metric
//     metadata (EncodeSnappyMetadataRequest), as Prometheus's metadata sender does;
//   - remote write 2.0: an io.prometheus.write.v2.Request (api/remote/prompb/v2/types.proto):
//     a symbol table ("" first) and series whose labels, help and unit are indexes into it, each
//     with its metadata (EncodeSnappyWriteRequestV2).
//
// Each queued sample becomes one TimeSeries holding its labels and that one sample, as
// Prometheus's sender builds its requests; the receiver appends them in request order, so
// samples of one series keep the order they were queued in.
//
// The encoders are written by hand (no protobuf runtime on the sending path) and emit exactly the
// bytes a proto3 serializer would, except that a sample's zero value or timestamp is written out
// rather than omitted, and that a 2.0 series always carries its (possibly empty) metadata
// message, as Prometheus's gogo-generated code does; parsers read both alike. remote/codec_test.cc
// checks the bytes against the generated parsers.
//
// Thread-safety: pure functions.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "model/labels.h"

namespace sextant::remote {

// A metric family's type. The values are those of both remote-write schemas
// (prometheus.MetricMetadata.MetricType and io.prometheus.write.v2.Metadata.MetricType, where
// kUnknown is METRIC_TYPE_UNSPECIFIED).
enum class MetricType : uint8_t {
  kUnknown = 0,
  kCounter = 1,
  kGauge = 2,
  kHistogram = 3,
  kGaugeHistogram = 4,
  kSummary = 5,
  kInfo = 6,
  kStateset = 7,
};

// Prometheus's name of `type` (model.MetricType): "counter", "gauge", "histogram",
// "gaugehistogram", "summary", "info", "stateset" or "unknown".
std::string_view MetricTypeName(MetricType type);

// The type one of those names stands for; nullopt for any other text (case matters).
std::optional<MetricType> ParseMetricType(std::string_view name);

// Type, help and unit of a metric family, as a scrape reported them ("" when not given).
struct MetricMetadata {
  MetricType type = MetricType::kUnknown;
  std::string metric_family_name;
  std::string help;
  std::string unit;
};

// A series' labels, shared by every queued sample of the series: copying one costs a reference
// count, not an allocation (the sender queues each sample with its labels).
class SharedLabels {
 public:
  SharedLabels() = default;
  // Implicit, so that a sample can be built from plain labels (tests, one-off samples).
  SharedLabels(model::Labels labels)  // NOLINT(google-explicit-constructor)
      : p_(std::make_shared<const model::Labels>(std::move(labels))) {}
  explicit SharedLabels(std::shared_ptr<const model::Labels> p) : p_(std::move(p)) {}

  const model::Labels& get() const { return p_ != nullptr ? *p_ : Empty(); }
  model::Labels::Iterator begin() const { return get().begin(); }
  model::Labels::Iterator end() const { return get().end(); }
  size_t size() const { return get().size(); }
  bool empty() const { return get().empty(); }
  std::string_view Get(std::string_view name) const { return get().Get(name); }

 private:
  static const model::Labels& Empty();
  std::shared_ptr<const model::Labels> p_;
};

// One sample with its series' labels (already relabelled, external labels included).
struct SeriesSample {
  uint64_t series_ref = 0;  // the caller's series reference; not sent
  SharedLabels labels;
  int64_t timestamp_ms = 0;
  double value = 0;
  // The series' metric family metadata, written per series by the 2.0 encoder; null means
  // unknown (type METRIC_TYPE_UNSPECIFIED, no help, no unit). The 1.0 encoder ignores it.
  std::shared_ptr<const MetricMetadata> metadata = nullptr;
};

// Appends the uncompressed WriteRequest for `samples`, in their order, to *out.
void EncodeWriteRequest(std::span<const SeriesSample> samples, std::string* out);

// Replaces *out with the snappy-compressed WriteRequest for `samples`. `scratch` holds the
// uncompressed bytes in between; pass the same one again to reuse its memory.
void EncodeSnappyWriteRequest(std::span<const SeriesSample> samples, std::string* scratch,
                              std::string* out);

// Appends the uncompressed remote write 2.0 Request for `samples`, in their order, to *out.
// Symbols are listed in order of first use after the leading ""; each distinct string once.
void EncodeWriteRequestV2(std::span<const SeriesSample> samples, std::string* out);

// As EncodeSnappyWriteRequest, for remote write 2.0: replaces *out with the snappy-compressed
// io.prometheus.write.v2.Request for `samples`.
void EncodeSnappyWriteRequestV2(std::span<const SeriesSample> samples, std::string* scratch,
                                std::string* out);

// Appends the uncompressed 1.0 WriteRequest that carries only `metadata` (no series), in its
// order, to *out.
void EncodeMetadataRequest(std::span<const MetricMetadata> metadata, std::string* out);

// Replaces *out with the snappy-compressed metadata-only WriteRequest for `metadata`; `scratch`
// as for EncodeSnappyWriteRequest.
void EncodeSnappyMetadataRequest(std::span<const MetricMetadata> metadata, std::string* scratch,
                                 std::string* out);

}  // namespace sextant::remote

#include "remote/codec.h"

#include <bit>
#include <cstring>
#include <unordered_map>
#include <vector>

#include <snappy.h>

#include "scrape/parser/entry.h"
#include "util/varint.h"

namespace sextant::remote {
namespace {

// Protobuf tags: (field number << 3) | wire type (0 varint, 1 fixed64, 2 length-delimited).
constexpr char Tag(int field, int wire_type) { return static_cast<char>((field << 3) | wire_type); }

// prometheus.WriteRequest (1.0).
constexpr char kWriteRequestTimeseries = Tag(1, 2);
constexpr char kWriteRequestMetadata = Tag(3, 2);
constexpr char kTimeSeriesLabels = Tag(1, 2);
constexpr char kTimeSeriesSamples = Tag(2, 2);
constexpr char kLabelName = Tag(1, 2);
constexpr char kLabelValue = Tag(2, 2);
constexpr char kMetricMetadataType = Tag(1, 0);
constexpr char kMetricMetadataFamilyName = Tag(2, 2);
constexpr char kMetricMetadataHelp = Tag(4, 2);
constexpr char kMetricMetadataUnit = Tag(5, 2);
// Sample is the same message in both versions (2.0 adds fields Sextant does not send).
constexpr char kSampleValue = Tag(1, 1);
constexpr char kSampleTimestamp = Tag(2, 0);

// io.prometheus.write.v2.Request (2.0).
constexpr char kRequestSymbols = Tag(4, 2);
constexpr char kRequestTimeseries = Tag(5, 2);
constexpr char kV2TimeSeriesLabelsRefs = Tag(1, 2);  // packed uint32
constexpr char kV2TimeSeriesSamples = Tag(2, 2);
constexpr char kV2TimeSeriesMetadata = Tag(5, 2);
constexpr char kV2MetadataType = Tag(1, 0);
constexpr char kV2MetadataHelpRef = Tag(3, 0);
constexpr char kV2MetadataUnitRef = Tag(4, 0);

size_t UvarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

size_t BytesFieldSize(size_t len) { return 1 + UvarintSize(len) + len; }

size_t LabelSize(const model::Label& l) {
  return BytesFieldSize(l.name.size()) + BytesFieldSize(l.value.size());
}

// Sample{value, timestamp}: the fixed64 value and the int64 timestamp as a plain (not zig-zag)
// varint, as proto3's int64.
size_t SampleSize(int64_t t) { return 1 + 8 + 1 + UvarintSize(static_cast<uint64_t>(t)); }

void PutBytesField(std::string* out, char tag, std::string_view bytes) {
  out->push_back(tag);
  util::PutUvarint(out, bytes.size());
  out->append(bytes);
}

void PutSampleField(std::string* out, char tag, int64_t timestamp_ms, double value) {
  out->push_back(tag);
  util::PutUvarint(out, SampleSize(timestamp_ms));
  out->push_back(kSampleValue);
  // Protobuf's fixed64 is little-endian.
  uint64_t bits = std::bit_cast<uint64_t>(value);
  char le[8];
  for (int i = 0; i < 8; ++i) le[i] = static_cast<char>(bits >> (8 * i));
  out->append(le, sizeof(le));
  out->push_back(kSampleTimestamp);
  util::PutUvarint(out, static_cast<uint64_t>(timestamp_ms));
}

// A proto3 varint field, omitted when zero.
size_t OptionalVarintFieldSize(uint64_t v) { return v == 0 ? 0 : 1 + UvarintSize(v); }

void PutOptionalVarintField(std::string* out, char tag, uint64_t v) {
  if (v == 0) return;
  out->push_back(tag);
  util::PutUvarint(out, v);
}

// A proto3 bytes field, omitted when empty.
size_t OptionalBytesFieldSize(std::string_view s) {
  return s.empty() ? 0 : BytesFieldSize(s.size());
}

void PutOptionalBytesField(std::string* out, char tag, std::string_view s) {
  if (!s.empty()) PutBytesField(out, tag, s);
}

// The 2.0 symbol table: "" at index 0, then each distinct string once, in order of first use.
// Views point into the samples being encoded.
class Symbols {
 public:
  Symbols() {
    list_.push_back("");
    index_.emplace("", 0);
  }
  uint32_t Ref(std::string_view s) {
    auto [it, added] = index_.try_emplace(s, static_cast<uint32_t>(list_.size()));
    if (added) list_.push_back(s);
    return it->second;
  }
  const std::vector<std::string_view>& list() const { return list_; }

 private:
  std::vector<std::string_view> list_;
  std::unordered_map<std::string_view, uint32_t> index_;
};

// The symbol references of one 2.0 series: labels_refs (name, value pairs), then the
// metadata's help and unit.
struct SeriesRefs {
  size_t labels_begin = 0;  // into the shared refs vector
  size_t labels_end = 0;
  uint32_t help_ref = 0;
  uint32_t unit_ref = 0;
};

}  // namespace

// The same numbering as the exposition parsers' type (scrape/parser/entry.h), whose names these
// are.
static_assert(static_cast<int>(scrape::MetricType::kUnknown) == 0 &&
              static_cast<int>(scrape::MetricType::kCounter) == 1 &&
              static_cast<int>(scrape::MetricType::kGauge) == 2 &&
              static_cast<int>(scrape::MetricType::kHistogram) == 3 &&
              static_cast<int>(scrape::MetricType::kGaugeHistogram) == 4 &&
              static_cast<int>(scrape::MetricType::kSummary) == 5 &&
              static_cast<int>(scrape::MetricType::kInfo) == 6 &&
              static_cast<int>(scrape::MetricType::kStateset) == 7);

const model::Labels& SharedLabels::Empty() {
  static const model::Labels* const empty = new model::Labels();
  return *empty;
}

std::string_view MetricTypeName(MetricType type) {
  return scrape::MetricTypeName(static_cast<scrape::MetricType>(type));
}

std::optional<MetricType> ParseMetricType(std::string_view name) {
  for (MetricType t : {MetricType::kUnknown, MetricType::kCounter, MetricType::kGauge,
                       MetricType::kHistogram, MetricType::kGaugeHistogram, MetricType::kSummary,
                       MetricType::kInfo, MetricType::kStateset}) {
    if (MetricTypeName(t) == name) return t;
  }
  return std::nullopt;
}

void EncodeWriteRequest(std::span<const SeriesSample> samples, std::string* out) {
  for (const SeriesSample& s : samples) {
    size_t series_size = 0;
    for (const model::Label& l : s.labels)
      series_size += 1 + UvarintSize(LabelSize(l)) + LabelSize(l);
    const size_t sample_size = SampleSize(s.timestamp_ms);
    series_size += 1 + UvarintSize(sample_size) + sample_size;

    out->push_back(kWriteRequestTimeseries);
    util::PutUvarint(out, series_size);
    for (const model::Label& l : s.labels) {
      out->push_back(kTimeSeriesLabels);
      util::PutUvarint(out, LabelSize(l));
      PutBytesField(out, kLabelName, l.name);
      PutBytesField(out, kLabelValue, l.value);
    }
    PutSampleField(out, kTimeSeriesSamples, s.timestamp_ms, s.value);
  }
}

void EncodeSnappyWriteRequest(std::span<const SeriesSample> samples, std::string* scratch,
                              std::string* out) {
  scratch->clear();
  EncodeWriteRequest(samples, scratch);
  out->clear();
  snappy::Compress(scratch->data(), scratch->size(), out);
}

void EncodeWriteRequestV2(std::span<const SeriesSample> samples, std::string* out) {
  // The symbols field precedes the series, but is only known once every series is seen: a first
  // pass resolves all references, the second writes.
  Symbols symbols;
  std::vector<uint32_t> refs;
  std::vector<SeriesRefs> series(samples.size());
  for (size_t i = 0; i < samples.size(); ++i) {
    const SeriesSample& s = samples[i];
    series[i].labels_begin = refs.size();
    for (const model::Label& l : s.labels) {
      refs.push_back(symbols.Ref(l.name));
      refs.push_back(symbols.Ref(l.value));
    }
    series[i].labels_end = refs.size();
    if (s.metadata != nullptr) {
      series[i].help_ref = symbols.Ref(s.metadata->help);
      series[i].unit_ref = symbols.Ref(s.metadata->unit);
    }
  }

  for (std::string_view sym : symbols.list()) PutBytesField(out, kRequestSymbols, sym);

  for (size_t i = 0; i < samples.size(); ++i) {
    const SeriesSample& s = samples[i];
    const SeriesRefs& r = series[i];
    size_t packed_size = 0;
    for (size_t j = r.labels_begin; j < r.labels_end; ++j) packed_size += UvarintSize(refs[j]);
    const uint64_t type = s.metadata == nullptr ? 0 : static_cast<uint64_t>(s.metadata->type);
    const size_t metadata_size = OptionalVarintFieldSize(type) +
                                 OptionalVarintFieldSize(r.help_ref) +
                                 OptionalVarintFieldSize(r.unit_ref);
    const size_t sample_size = SampleSize(s.timestamp_ms);
    const size_t series_size = (packed_size == 0 ? 0 : BytesFieldSize(packed_size)) +
                               BytesFieldSize(sample_size) + BytesFieldSize(metadata_size);

    out->push_back(kRequestTimeseries);
    util::PutUvarint(out, series_size);
    if (packed_size != 0) {
      out->push_back(kV2TimeSeriesLabelsRefs);
      util::PutUvarint(out, packed_size);
      for (size_t j = r.labels_begin; j < r.labels_end; ++j) util::PutUvarint(out, refs[j]);
    }
    PutSampleField(out, kV2TimeSeriesSamples, s.timestamp_ms, s.value);
    // Written even when empty, as Prometheus's (gogo, non-nullable) encoder does.
    out->push_back(kV2TimeSeriesMetadata);
    util::PutUvarint(out, metadata_size);
    PutOptionalVarintField(out, kV2MetadataType, type);
    PutOptionalVarintField(out, kV2MetadataHelpRef, r.help_ref);
    PutOptionalVarintField(out, kV2MetadataUnitRef, r.unit_ref);
  }
}

void EncodeSnappyWriteRequestV2(std::span<const SeriesSample> samples, std::string* scratch,
                                std::string* out) {
  scratch->clear();
  EncodeWriteRequestV2(samples, scratch);
  out->clear();
  snappy::Compress(scratch->data(), scratch->size(), out);
}

void EncodeMetadataRequest(std::span<const MetricMetadata> metadata, std::string* out) {
  for (const MetricMetadata& m : metadata) {
    const uint64_t type = static_cast<uint64_t>(m.type);
    const size_t size = OptionalVarintFieldSize(type) +
                        OptionalBytesFieldSize(m.metric_family_name) +
                        OptionalBytesFieldSize(m.help) + OptionalBytesFieldSize(m.unit);
    out->push_back(kWriteRequestMetadata);
    util::PutUvarint(out, size);
    PutOptionalVarintField(out, kMetricMetadataType, type);
    PutOptionalBytesField(out, kMetricMetadataFamilyName, m.metric_family_name);
    PutOptionalBytesField(out, kMetricMetadataHelp, m.help);
    PutOptionalBytesField(out, kMetricMetadataUnit, m.unit);
  }
}

void EncodeSnappyMetadataRequest(std::span<const MetricMetadata> metadata, std::string* scratch,
                                 std::string* out) {
  scratch->clear();
  EncodeMetadataRequest(metadata, scratch);
  out->clear();
  snappy::Compress(scratch->data(), scratch->size(), out);
}

}  // namespace sextant::remote

#include "remote/codec.h"

#include <bit>
#include <cstring>

#include <snappy.h>

#include "util/varint.h"

namespace sextant::remote {
namespace {

// Protobuf tags: (field number << 3) | wire type (0 varint, 1 fixed64, 2 length-delimited).
constexpr char kWriteRequestTimeseries = (1 << 3) | 2;
constexpr char kTimeSeriesLabels = (1 << 3) | 2;
constexpr char kTimeSeriesSamples = (2 << 3) | 2;
constexpr char kLabelName = (1 << 3) | 2;
constexpr char kLabelValue = (2 << 3) | 2;
constexpr char kSampleValue = (1 << 3) | 1;
constexpr char kSampleTimestamp = (2 << 3) | 0;

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

}  // namespace

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
    out->push_back(kTimeSeriesSamples);
    util::PutUvarint(out, sample_size);
    out->push_back(kSampleValue);
    // Protobuf's fixed64 is little-endian.
    uint64_t bits = std::bit_cast<uint64_t>(s.value);
    char le[8];
    for (int i = 0; i < 8; ++i) le[i] = static_cast<char>(bits >> (8 * i));
    out->append(le, sizeof(le));
    out->push_back(kSampleTimestamp);
    util::PutUvarint(out, static_cast<uint64_t>(s.timestamp_ms));
  }
}

void EncodeSnappyWriteRequest(std::span<const SeriesSample> samples, std::string* scratch,
                              std::string* out) {
  scratch->clear();
  EncodeWriteRequest(samples, scratch);
  out->clear();
  snappy::Compress(scratch->data(), scratch->size(), out);
}

}  // namespace sextant::remote

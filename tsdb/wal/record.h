#pragma once

// The records the head writes to the WAL, and their encodings (byte layout in
// docs/format/wal.md, "Records"). A record is one byte of RecordType followed by its entries:
//
//   series      uvarint ref, uvarint len, the Labels' packed bytes (model::Labels::bytes())
//   samples     uvarint base ref, varint base t, then per sample varint(ref - base ref),
//               varint(t - base t), the value's 8 IEEE-754 bytes big-endian (so every NaN,
//               the stale marker included, survives bit for bit)
//   tombstones  uvarint ref, varint mint, varint maxt
//
// Encoders never fail. Decoders check everything they read and return DataLoss, naming the byte
// offset within the record, for a wrong type byte, a truncated or overlong varint, a length past
// the end, labels that are not sorted by name, or trailing bytes.
//
// Thread-safety: all functions are pure.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "model/labels.h"

namespace sextant::tsdb::wal {

// A new series and the ref the head gave it.
struct RefSeries {
  uint64_t ref = 0;
  model::Labels labels;
  bool operator==(const RefSeries&) const = default;
};

// One sample of the series `ref`.
struct RefSample {
  uint64_t ref = 0;
  int64_t t = 0;
  double v = 0;
  // Bitwise on the value, so NaNs (and the stale marker) compare equal to themselves.
  bool operator==(const RefSample& o) const;
};

// Deletes the samples of series `ref` with mint <= t <= maxt.
struct Tombstone {
  uint64_t ref = 0;
  int64_t mint = 0;
  int64_t maxt = 0;
  bool operator==(const Tombstone&) const = default;
};

enum class RecordType : uint8_t { kSeries = 1, kSamples = 2, kTombstones = 3 };

// The type of an encoded record. DataLoss when `rec` is empty or its type byte is unknown.
absl::StatusOr<RecordType> PeekType(std::string_view rec);

// Each encoder replaces *out with the record.
void EncodeSeries(std::span<const RefSeries> series, std::string* out);
void EncodeSamples(std::span<const RefSample> samples, std::string* out);
void EncodeTombstones(std::span<const Tombstone> tombstones, std::string* out);

// Each decoder replaces *out with the record's entries (cleared on error).
absl::Status DecodeSeries(std::string_view rec, std::vector<RefSeries>* out);
absl::Status DecodeSamples(std::string_view rec, std::vector<RefSample>* out);
absl::Status DecodeTombstones(std::string_view rec, std::vector<Tombstone>* out);

}  // namespace sextant::tsdb::wal

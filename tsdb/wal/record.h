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

#include <bit>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "model/labels.h"
#include "util/varint.h"

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

// Streams a samples record: calls fn(const RefSample&) for each sample in order, without
// building a vector (WAL replay decodes every sample once). Returns DataLoss, naming the byte
// offset, on a malformed record; fn may have been called for the samples before the damage.
template <typename Fn>
absl::Status ForEachSample(std::string_view rec, Fn&& fn);

// Implementation details of ForEachSample.
namespace record_internal {
absl::Status SamplesError(std::string_view rec, std::string_view rest, std::string_view what);
}  // namespace record_internal

template <typename Fn>
absl::Status ForEachSample(std::string_view rec, Fn&& fn) {
  if (rec.empty() || static_cast<uint8_t>(rec[0]) != static_cast<uint8_t>(RecordType::kSamples)) {
    return record_internal::SamplesError(rec, rec, "is not a samples record");
  }
  std::string_view in = rec.substr(1);
  if (in.empty()) return absl::OkStatus();
  uint64_t base_ref;
  int64_t base_t;
  if (!util::GetUvarint(&in, &base_ref) || !util::GetVarint(&in, &base_t)) {
    return record_internal::SamplesError(rec, in, "truncated or malformed entry");
  }
  while (!in.empty()) {
    int64_t dref, dt;
    uint64_t bits;
    if (!util::GetVarint(&in, &dref) || !util::GetVarint(&in, &dt) ||
        !util::GetFixed64BE(&in, &bits)) {
      return record_internal::SamplesError(rec, in, "truncated or malformed entry");
    }
    // Deltas in wrapping unsigned arithmetic, as written by EncodeSamples.
    fn(RefSample{base_ref + static_cast<uint64_t>(dref),
                 static_cast<int64_t>(static_cast<uint64_t>(base_t) + static_cast<uint64_t>(dt)),
                 std::bit_cast<double>(bits)});
  }
  return absl::OkStatus();
}

}  // namespace sextant::tsdb::wal

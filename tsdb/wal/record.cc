#include "tsdb/wal/record.h"

#include <bit>

#include "util/strings.h"
#include "util/varint.h"

namespace sextant::tsdb::wal {
namespace {

std::string_view TypeName(RecordType type) {
  switch (type) {
    case RecordType::kSeries:
      return "series";
    case RecordType::kSamples:
      return "samples";
    case RecordType::kTombstones:
      return "tombstones";
  }
  return "unknown";
}

// Reads one record's entries, remembering where it is for error messages.
class Decoder {
 public:
  Decoder(std::string_view rec, RecordType type) : rec_(rec), in_(rec), type_(type) {}

  absl::Status CheckType() {
    absl::StatusOr<RecordType> type = PeekType(rec_);
    if (!type.ok()) return type.status();
    if (*type != type_) {
      return Error(util::StrCat("is a ", TypeName(*type), " record"));
    }
    in_.remove_prefix(1);
    return absl::OkStatus();
  }

  bool done() const { return in_.empty(); }
  size_t offset() const { return rec_.size() - in_.size(); }

  bool Uvarint(uint64_t* v) { return util::GetUvarint(&in_, v); }
  bool Varint(int64_t* v) { return util::GetVarint(&in_, v); }
  bool Fixed64(uint64_t* v) { return util::GetFixed64BE(&in_, v); }
  bool Bytes(std::string_view* v) { return util::GetLengthPrefixed(&in_, v); }

  absl::Status Error(std::string_view what) const {
    return absl::DataLossError(
        util::StrCat("wal ", TypeName(type_), " record: ", what, " at byte ", offset()));
  }
  absl::Status Truncated() const { return Error("truncated or malformed entry"); }

 private:
  const std::string_view rec_;
  std::string_view in_;
  const RecordType type_;
};

// Labels' packed form ([uvarint len][name][uvarint len][value]...) with names strictly ascending;
// anything else would break the invariants model::Labels relies on.
bool ValidLabelBytes(std::string_view bytes) {
  std::string_view prev;
  bool first = true;
  while (!bytes.empty()) {
    std::string_view name, value;
    if (!util::GetLengthPrefixed(&bytes, &name) || !util::GetLengthPrefixed(&bytes, &value)) {
      return false;
    }
    if (!first && name <= prev) return false;
    prev = name;
    first = false;
  }
  return true;
}

uint64_t WrapSub(uint64_t a, uint64_t b) { return a - b; }

}  // namespace

bool RefSample::operator==(const RefSample& o) const {
  return ref == o.ref && t == o.t && std::bit_cast<uint64_t>(v) == std::bit_cast<uint64_t>(o.v);
}

absl::StatusOr<RecordType> PeekType(std::string_view rec) {
  if (rec.empty()) return absl::DataLossError("wal record: empty");
  const auto type = static_cast<uint8_t>(rec[0]);
  if (type < static_cast<uint8_t>(RecordType::kSeries) ||
      type > static_cast<uint8_t>(RecordType::kTombstones)) {
    return absl::DataLossError(util::StrCat("wal record: unknown type ", int{type}));
  }
  return static_cast<RecordType>(type);
}

void EncodeSeries(std::span<const RefSeries> series, std::string* out) {
  out->clear();
  out->push_back(static_cast<char>(RecordType::kSeries));
  for (const RefSeries& s : series) {
    util::PutUvarint(out, s.ref);
    util::PutLengthPrefixed(out, s.labels.bytes());
  }
}

namespace {

// Writers into a buffer sized in advance: the samples record is on every commit's path, where
// std::string's per-append capacity checks showed up in profiles.
char* WriteUvarint(char* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}
char* WriteVarint(char* p, int64_t v) { return WriteUvarint(p, util::ZigZagEncode(v)); }

}  // namespace

void EncodeSamples(std::span<const RefSample> samples, std::string* out) {
  out->clear();
  if (samples.empty()) {
    out->push_back(static_cast<char>(RecordType::kSamples));
    return;
  }
  out->resize(1 + 2 * util::kMaxVarint64Bytes + samples.size() * (2 * util::kMaxVarint64Bytes + 8));
  char* p = out->data();
  *p++ = static_cast<char>(RecordType::kSamples);
  const uint64_t base_ref = samples[0].ref;
  const auto base_t = static_cast<uint64_t>(samples[0].t);
  p = WriteUvarint(p, base_ref);
  p = WriteVarint(p, samples[0].t);
  for (const RefSample& s : samples) {
    // Deltas in wrapping unsigned arithmetic: exact for any inputs, small for typical ones.
    p = WriteVarint(p, static_cast<int64_t>(WrapSub(s.ref, base_ref)));
    p = WriteVarint(p, static_cast<int64_t>(WrapSub(static_cast<uint64_t>(s.t), base_t)));
    const uint64_t bits = std::bit_cast<uint64_t>(s.v);
    for (int shift = 56; shift >= 0; shift -= 8) *p++ = static_cast<char>(bits >> shift);
  }
  out->resize(static_cast<size_t>(p - out->data()));
}

void EncodeTombstones(std::span<const Tombstone> tombstones, std::string* out) {
  out->clear();
  out->push_back(static_cast<char>(RecordType::kTombstones));
  for (const Tombstone& t : tombstones) {
    util::PutUvarint(out, t.ref);
    util::PutVarint(out, t.mint);
    util::PutVarint(out, t.maxt);
  }
}

absl::Status DecodeSeries(std::string_view rec, std::vector<RefSeries>* out) {
  out->clear();
  Decoder d(rec, RecordType::kSeries);
  absl::Status status = d.CheckType();
  while (status.ok() && !d.done()) {
    RefSeries s;
    std::string_view labels;
    const size_t start = d.offset();
    if (!d.Uvarint(&s.ref) || !d.Bytes(&labels)) {
      status = d.Truncated();
    } else if (!ValidLabelBytes(labels)) {
      status = absl::DataLossError(
          util::StrCat("wal series record: malformed labels in entry at byte ", start));
    } else {
      s.labels = model::Labels::FromBytes(labels);
      out->push_back(std::move(s));
    }
  }
  if (!status.ok()) out->clear();
  return status;
}

absl::Status DecodeSamples(std::string_view rec, std::vector<RefSample>* out) {
  out->clear();
  // Each sample takes at least 10 bytes; reserving from the size bounds the allocation by it.
  out->reserve(rec.size() / 10);
  absl::Status status = ForEachSample(rec, [out](const RefSample& s) { out->push_back(s); });
  if (!status.ok()) out->clear();
  return status;
}

namespace record_internal {
absl::Status SamplesError(std::string_view rec, std::string_view rest, std::string_view what) {
  if (rec.empty() || static_cast<uint8_t>(rec[0]) != static_cast<uint8_t>(RecordType::kSamples)) {
    absl::StatusOr<RecordType> type = PeekType(rec);
    if (!type.ok()) return type.status();
    return absl::DataLossError(
        util::StrCat("wal samples record: is a ", TypeName(*type), " record at byte 0"));
  }
  return absl::DataLossError(
      util::StrCat("wal samples record: ", what, " at byte ", rec.size() - rest.size()));
}
}  // namespace record_internal

absl::Status DecodeTombstones(std::string_view rec, std::vector<Tombstone>* out) {
  out->clear();
  Decoder d(rec, RecordType::kTombstones);
  absl::Status status = d.CheckType();
  while (status.ok() && !d.done()) {
    Tombstone t;
    if (!d.Uvarint(&t.ref) || !d.Varint(&t.mint) || !d.Varint(&t.maxt)) {
      status = d.Truncated();
    } else {
      out->push_back(t);
    }
  }
  if (!status.ok()) out->clear();
  return status;
}

}  // namespace sextant::tsdb::wal

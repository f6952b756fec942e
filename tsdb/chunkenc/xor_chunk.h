#pragma once

// XorChunk: a Gorilla-compressed run of (timestamp, value) samples in Prometheus's XOR chunk
// encoding, byte for byte (see docs/format/chunks.md).
//
//   bytes 0-1   number of samples, big-endian uint16
//   then        a bit stream: first sample as varint t + raw 64-bit value, second as uvarint
//               delta t + XOR value, the rest as delta-of-delta t in 14/17/20/64-bit buckets and
//               XOR values with leading/trailing-zero windows.
//
// Timestamps must strictly increase; the caller (the head) enforces this. A chunk holds at most
// 65535 samples; the head cuts at about 120.
//
// Thread-safety: not synchronized. Concurrent readers are safe on an immutable chunk; a chunk that
// is still being appended to must be copied (bytes() + num_samples()) under the owner's lock.

#include <bit>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "util/bit_stream.h"

namespace sextant::tsdb::chunkenc {

class XorIterator;

class XorChunk {
 public:
  XorChunk();  // empty: two zero bytes of header

  // Adopts encoded bytes (as returned by bytes(), or a Prometheus XOR chunk's data) and decodes
  // them once to rebuild the appender state, so Append() continues the chunk exactly as if every
  // sample had been appended to this object. Bytes after the last sample are dropped and unused
  // bits of the last byte cleared, so bytes() may be shorter than `bytes`.
  // Errors: DataLoss when the buffer is shorter than the header or the bit stream is corrupt.
  static absl::StatusOr<XorChunk> FromBytes(std::string_view bytes);

  // Appends one sample. Precondition: t greater than the last appended timestamp and
  // num_samples() < 65535.
  void Append(int64_t t, double v);

  // Preallocates room for `bytes` encoded bytes (e.g. the size of the previous full chunk).
  void Reserve(size_t bytes) { stream_.ReserveBytes(bytes); }

  int num_samples() const { return count_; }
  // The encoded chunk; valid until the next Append.
  std::string_view bytes() const { return stream_.bytes(); }
  size_t size_bytes() const { return stream_.bytes().size(); }
  // Timestamps of the first and last sample; undefined when empty.
  int64_t min_time() const { return first_t_; }
  int64_t max_time() const { return last_t_; }
  // The last sample's value; undefined when empty.
  double last_value() const { return std::bit_cast<double>(last_v_bits_); }

  // An iterator over the samples; it borrows bytes(), which must stay unchanged while it lives.
  XorIterator Iterator() const;

  // The appender state FromBytes() rebuilds by decoding. Saved beside bytes(), it lets
  // FromState() resume a chunk without decoding it (the head's chunk snapshots).
  struct AppendState {
    int64_t first_t = 0;
    int64_t last_t = 0;
    uint64_t last_t_delta = 0;
    uint64_t last_v_bits = 0;
    uint16_t count = 0;
    uint8_t leading = 0;
    uint8_t trailing = 0;
    uint8_t free_bits = 0;  // unused low bits of the last byte
  };
  AppendState state() const;
  // Resumes a chunk from bytes() and state() saved together. Errors: DataLoss when they cannot
  // belong together (sizes, counts or bit counts out of range); the caller guarantees the rest,
  // e.g. with a checksum over both.
  static absl::StatusOr<XorChunk> FromState(std::string_view bytes, const AppendState& state);

 private:
  void AppendValue(uint64_t v_bits);

  util::BitWriter stream_;  // the encoded chunk, header included
  int count_ = 0;           // the header's count, kept here so appends never read it back
  // Appender state (not part of the encoding); rebuilt by FromBytes() so appends can continue.
  int64_t first_t_ = 0;
  int64_t last_t_ = 0;
  uint64_t last_t_delta_ = 0;
  uint64_t last_v_bits_ = 0;
  uint8_t leading_ = kNoWindow;  // the current leading/trailing-zero window of XOR values
  uint8_t trailing_ = 0;

  static constexpr uint8_t kNoWindow = 0xff;
};

// Decodes a chunk's samples in order. Usage:
//   for (auto it = chunk.Iterator(); it.Next();) Use(it.t(), it.v());
//   RETURN_IF_ERROR(it.status());
class XorIterator {
 public:
  // Iterates over `bytes` (an encoded XorChunk), which must outlive the iterator.
  explicit XorIterator(std::string_view bytes);

  // Advances to the next sample; false at the end or on corrupt input (then status() says why).
  // Samples before a corruption are all returned first.
  bool Next() {
    if (pos_ < len_) {
      t_ = batch_t_[pos_];
      v_ = batch_v_[pos_];
      ++pos_;
      return true;
    }
    return NextBatch();
  }
  // Advances to the first sample with timestamp >= t, starting from the current one (never moves
  // backwards; before the first Next() it starts at the first sample); false when there is none,
  // on corrupt input, and once Next() or Seek() has returned false.
  bool Seek(int64_t t);
  int64_t t() const { return t_; }
  double v() const { return v_; }
  // OK, or DataLoss when the bit stream ended early or is inconsistent with the sample count.
  absl::Status status() const { return status_; }

 private:
  friend class XorChunk;  // FromBytes() reads the final decoder state

  // Samples are decoded a batch at a time, in a loop that keeps the decoder state in registers;
  // Next() then only copies one out.
  static constexpr int kBatch = 16;

  bool NextBatch();
  void DecodeBatch();
  bool DecodeFirstTwo();
  void Fail(std::string_view what);

  // The current sample and the decoded batch it comes from.
  int64_t t_ = 0;
  double v_ = 0;
  int pos_ = 0;
  int len_ = 0;
  bool ended_ = false;    // Next() has returned false
  bool started_ = false;  // Next() has returned true
  int64_t batch_t_[kBatch];
  double batch_v_[kBatch];

  // Decoder state after the last decoded sample.
  util::BitReader reader_;
  int total_ = 0;    // samples in the chunk (set to decoded_ on error, which ends decoding)
  int decoded_ = 0;  // samples decoded so far
  int64_t last_t_ = 0;
  uint64_t t_delta_ = 0;
  uint64_t last_v_bits_ = 0;
  uint8_t leading_ = 0;
  uint8_t trailing_ = 0;
  bool has_window_ = false;  // a leading/trailing window has been read
  absl::Status error_;       // a corruption found while decoding, reported after the batch
  absl::Status status_;
};

}  // namespace sextant::tsdb::chunkenc

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

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace sextant::tsdb::chunkenc {

class XorIterator;

class XorChunk {
 public:
  XorChunk();  // empty: two zero bytes of header

  // Adopts encoded bytes (as returned by bytes()). Errors: DataLoss when the buffer is shorter
  // than the header. The bit stream itself is checked lazily by the iterator.
  static absl::StatusOr<XorChunk> FromBytes(std::string_view bytes);

  // Appends one sample. Precondition: t greater than the last appended timestamp and
  // num_samples() < 65535.
  void Append(int64_t t, double v);

  int num_samples() const;
  // The encoded chunk; valid until the next Append.
  std::string_view bytes() const { return data_; }
  size_t size_bytes() const { return data_.size(); }
  // Timestamps of the first and last sample; undefined when empty.
  int64_t min_time() const { return first_t_; }
  int64_t max_time() const { return last_t_; }

  // An iterator over the samples; it borrows bytes(), which must stay unchanged while it lives.
  XorIterator Iterator() const;

 private:
  std::string data_;
  // Appender state (not part of the encoding); rebuilt by FromBytes() so appends can continue.
  int64_t first_t_ = 0;
  int64_t last_t_ = 0;
  uint64_t last_t_delta_ = 0;
  double last_v_ = 0;
  uint8_t leading_ = 0xff;
  uint8_t trailing_ = 0;
  uint8_t bit_pos_ = 0;  // bits still free in the last byte of data_ (0 means start a new byte)
};

// Decodes a chunk's samples in order. Usage:
//   for (auto it = chunk.Iterator(); it.Next();) Use(it.t(), it.v());
//   RETURN_IF_ERROR(it.status());
class XorIterator {
 public:
  // Iterates over `bytes` (an encoded XorChunk), which must outlive the iterator.
  explicit XorIterator(std::string_view bytes);

  // Advances to the next sample; false at the end or on corrupt input (then status() says why).
  bool Next();
  // Advances to the first sample with timestamp >= t, starting from the current one (never moves
  // backwards); false when there is none.
  bool Seek(int64_t t);
  int64_t t() const { return t_; }
  double v() const { return v_; }
  // OK, or DataLoss when the bit stream ended early or is inconsistent with the sample count.
  absl::Status status() const { return status_; }

 private:
  // (decoder state: reader position, sample index and count, t, delta, v, leading, trailing)
  std::string_view data_;
  size_t byte_pos_ = 0;
  uint64_t word_ = 0;
  int word_bits_ = 0;
  int total_ = 0;
  int read_ = 0;
  int64_t t_ = 0;
  int64_t t_delta_ = 0;
  double v_ = 0;
  uint8_t leading_ = 0;
  uint8_t trailing_ = 0;
  absl::Status status_;
};

}  // namespace sextant::tsdb::chunkenc

#pragma once

// Bit-granular streams, most significant bit first, as Gorilla-style encoders need them.
//
// BitWriter builds a stream in a std::string it owns: the first bit written lands in bit 7 of
// byte 0, and the unused low bits of the last byte are always zero. It collects bits in a 64-bit
// word and stores that word (unaligned) after every write, never reading the buffer back, so
// writes do not wait on earlier stores; bytes() is always the whole stream and Release() hands it
// over as a string of its exact size.
//
// BitReader reads such a stream from a borrowed buffer. It loads 64-bit words where it can and
// never touches memory outside the buffer. Reading past the end yields zero bits and makes
// overrun() true; decoders read a whole record and check overrun() once, which keeps the hot
// path free of per-field bounds checks.
//
// Thread-safety: neither class is synchronized; each is meant for one thread.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

namespace sextant::util {

namespace bit_stream_internal {
inline uint64_t LoadBigEndian64(const void* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap64(v);
  return v;
}
inline void StoreBigEndian64(void* p, uint64_t v) {
  if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap64(v);
  std::memcpy(p, &v, 8);
}
}  // namespace bit_stream_internal

class BitWriter {
 public:
  BitWriter() = default;
  // Continues the stream `bytes`, of which the last `free_bits` (0..7) bits are unused and zero.
  BitWriter(std::string_view bytes, int free_bits) {
    Reserve(bytes.size());
    std::memcpy(buf_.data(), bytes.data(), bytes.size());
    if (free_bits == 0) {
      pos_ = bytes.size();
    } else {
      pos_ = bytes.size() - 1;
      acc_ = uint64_t{static_cast<uint8_t>(bytes.back())} << 56;
      acc_bits_ = 8 - free_bits;
    }
  }

  // Writes the low `n` bits of `v`, most significant first; higher bits of `v` are ignored.
  // Precondition: 0 <= n <= 64.
  void WriteBits(uint64_t v, int n) {
    if (n == 0) return;
    v <<= 64 - n;
    if (acc_bits_ + n < 64) {
      acc_ |= v >> acc_bits_;
      acc_bits_ += n;
    } else {
      // The word is full: store it and keep the bits that did not fit.
      acc_ |= v >> acc_bits_;
      bit_stream_internal::StoreBigEndian64(buf_.data() + pos_, acc_);
      pos_ += 8;
      if (pos_ + kSlack > buf_.size()) Reserve(pos_);
      const int used = 64 - acc_bits_;
      acc_ = used == 64 ? 0 : v << used;
      acc_bits_ = n - used;
    }
    // Keep the buffer current, so bytes() is always the whole stream.
    bit_stream_internal::StoreBigEndian64(buf_.data() + pos_, acc_);
  }
  void WriteBit(bool bit) { WriteBits(bit ? 1 : 0, 1); }
  void WriteByte(uint8_t b) { WriteBits(b, 8); }
  // Overwrites byte `i` of the stream (a header field written earlier). Precondition: i < size.
  void SetByte(size_t i, uint8_t b) {
    buf_[i] = static_cast<char>(b);
    if (i >= pos_) {
      const int shift = 56 - 8 * static_cast<int>(i - pos_);
      acc_ = (acc_ & ~(uint64_t{0xff} << shift)) | (uint64_t{b} << shift);
    }
  }

  // The stream so far: ceil(bit_size() / 8) bytes, unused low bits of the last one zero. Valid
  // until the next write.
  std::string_view bytes() const {
    return std::string_view(buf_.data(), pos_ + (acc_bits_ + 7) / 8);
  }
  uint64_t bit_size() const { return uint64_t{pos_} * 8 + static_cast<uint64_t>(acc_bits_); }
  // Unused low bits of the last byte (0..7).
  int free_bits() const { return (8 - (acc_bits_ & 7)) & 7; }
  // Makes room for a stream of `bytes` bytes in one allocation (instead of growing by doubling).
  void ReserveBytes(size_t bytes) {
    if (bytes + kSlack > buf_.size()) buf_.resize(bytes + kSlack, '\0');
  }
  // Gives up the stream as a string of exactly bytes().size() bytes; the writer is then empty.
  std::string Release() && {
    std::string out = std::move(buf_);
    out.resize(pos_ + (acc_bits_ + 7) / 8);
    *this = BitWriter();
    return out;
  }

 private:
  // The word at pos_ is always stored whole, so the buffer extends 8 bytes past it; 16 leaves
  // room for the header bytes of callers who preallocate nothing.
  static constexpr size_t kSlack = 16;

  // Grows the buffer to hold `byte` plus the slack.
  void Reserve(size_t byte) {
    size_t size = buf_.size() < 32 ? 32 : buf_.size();
    while (size < byte + kSlack) size *= 2;
    buf_.resize(size, '\0');
  }

  std::string buf_ = std::string(32, '\0');  // bytes(), then at least 8 bytes of scratch
  size_t pos_ = 0;    // bytes before pos_ are final; acc_ holds the bits from byte pos_ on
  uint64_t acc_ = 0;  // left-aligned; the bits after acc_bits_ are zero
  int acc_bits_ = 0;  // 0..63
};

class BitReader {
 public:
  // Reads `data`, which must outlive the reader.
  explicit BitReader(std::string_view data)
      : begin_(reinterpret_cast<const uint8_t*>(data.data())),
        cur_(begin_),
        end_(begin_ + data.size()) {}

  // Returns the next `n` bits (1 <= n <= 56) as the low bits of the result.
  uint64_t ReadBits(int n) {
    Ensure(n);
    const uint64_t v = word_ >> (64 - n);
    Consume(n);
    return v;
  }
  // Like ReadBits, for 0 <= n <= 64.
  uint64_t ReadBitsWide(int n) {
    if (n <= 56) return n == 0 ? 0 : ReadBits(n);
    const uint64_t high = ReadBits(n - 32);
    return (high << 32) | ReadBits(32);
  }
  bool ReadBit() { return ReadBits(1) != 0; }

  // The next `n` bits (1 <= n <= 56) without consuming them; follow with Consume(n) or less.
  uint64_t Peek(int n) {
    Ensure(n);
    return word_ >> (64 - n);
  }
  // Makes at least `n` (<= 56) bits available to word().
  void Ensure(int n) {
    if (bits_ < n) Refill();
  }
  // The buffered bits, left-aligned; the first k are the stream's next k bits after Ensure(k).
  uint64_t word() const { return word_; }
  // Drops `n` bits. Precondition: at least `n` bits were made available (Peek, Ensure, Refill).
  void Consume(int n) {
    word_ <<= n;
    bits_ -= n;
  }

  // Makes at least 56 bits available (zero bits past the end of the data).
  void Refill() {
    if (end_ - cur_ >= 8) {
      // The word may overlap bits already buffered; those get ORed with themselves.
      word_ |= bit_stream_internal::LoadBigEndian64(cur_) >> bits_;
      cur_ += (63 - bits_) >> 3;
      bits_ |= 56;
    } else {
      RefillSlow();
    }
  }

  // True once more bits were read than the data holds; sticky.
  bool overrun() const { return pad_ > bits_; }
  // Bits read so far (may exceed 8 * data size after an overrun).
  uint64_t bits_read() const {
    return static_cast<uint64_t>(cur_ - begin_) * 8 + static_cast<uint64_t>(pad_ - bits_);
  }
  size_t size_bytes() const { return static_cast<size_t>(end_ - begin_); }

 private:
  void RefillSlow() {
    while (bits_ < 56 && cur_ < end_) {
      word_ |= uint64_t{*cur_} << (56 - bits_);
      ++cur_;
      bits_ += 8;
    }
    if (bits_ < 56) {
      pad_ += 56 - bits_;
      bits_ = 56;
    }
  }

  const uint8_t* begin_;
  const uint8_t* cur_;  // the next byte to load
  const uint8_t* end_;
  uint64_t word_ = 0;  // buffered bits, left-aligned; bits below the valid ones are zero or the
                       // stream's next bits
  int bits_ = 0;       // valid bits in word_ (0..63)
  int64_t pad_ = 0;    // zero bits appended past the end of the data
};

}  // namespace sextant::util

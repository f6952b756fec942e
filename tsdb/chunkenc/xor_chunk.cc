#include "tsdb/chunkenc/xor_chunk.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstdint>
#include <string>
#include <string_view>

#include "util/bit_stream.h"
#include "util/strings.h"
#include "util/varint.h"

namespace sextant::tsdb::chunkenc {
namespace {

constexpr int kHeaderBytes = 2;

int ReadCount(std::string_view data) {
  return (static_cast<uint8_t>(data[0]) << 8) | static_cast<uint8_t>(data[1]);
}

// True when x fits the delta-of-delta bucket of `nbits` bits. The range is Prometheus's:
// [-(2^(n-1) - 1), 2^(n-1)], so that the bit pattern 2^(n-1) reads back as positive.
constexpr bool FitsBucket(int64_t x, int nbits) {
  return -((int64_t{1} << (nbits - 1)) - 1) <= x && x <= (int64_t{1} << (nbits - 1));
}

// Varints go through the bit writer: they are byte aligned in practice (they follow the header
// and the first 64-bit value), but the encoding does not depend on that.
void WriteUvarint(util::BitWriter* w, uint64_t v) {
  while (v >= 0x80) {
    w->WriteByte(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  w->WriteByte(static_cast<uint8_t>(v));
}

// Reads a uvarint as Go's binary.ReadUvarint does; false on a varint longer than 10 bytes or
// overflowing 64 bits. Running off the end is left to the caller's overrun check.
bool ReadUvarint(util::BitReader* r, uint64_t* v) {
  uint64_t result = 0;
  for (int i = 0; i < util::kMaxVarint64Bytes; ++i) {
    const uint64_t byte = r->ReadBits(8);
    if (i == util::kMaxVarint64Bytes - 1 && byte > 1) return false;
    result |= (byte & 0x7f) << (7 * i);
    if (byte < 0x80) {
      *v = result;
      return true;
    }
  }
  return false;
}

}  // namespace

XorChunk::XorChunk() { stream_.WriteBits(0, 8 * kHeaderBytes); }

absl::StatusOr<XorChunk> XorChunk::FromBytes(std::string_view bytes) {
  if (bytes.size() < kHeaderBytes) {
    return absl::DataLossError(util::ToAbsl(util::StrCat(
        "xor chunk: ", bytes.size(), " bytes, shorter than the ", kHeaderBytes, "-byte header")));
  }
  XorChunk c;
  XorIterator it(bytes);
  if (it.Next()) {
    c.first_t_ = it.t();
    while (it.Next()) {
    }
  }
  if (!it.status().ok()) return it.status();

  // Keep the bits the samples used; clear the rest so appends can OR into the last byte.
  const uint64_t bits = 8 * kHeaderBytes + it.reader_.bits_read();
  std::string used(bytes.substr(0, (bits + 7) / 8));
  const int free_bits = static_cast<int>((8 - bits % 8) % 8);
  used.back() = static_cast<char>(static_cast<uint8_t>(used.back()) & (0xff << free_bits));
  c.stream_ = util::BitWriter(used, free_bits);
  c.count_ = it.decoded_;
  c.last_t_ = it.last_t_;
  c.last_t_delta_ = it.t_delta_;
  c.last_v_bits_ = it.last_v_bits_;
  // Without a window yet, the next XOR value opens one, as it would have in the original
  // appender. (Prometheus's own Appender() resumes with a 64-bit window here instead; both read
  // back the same.)
  if (it.has_window_) {
    c.leading_ = it.leading_;
    c.trailing_ = it.trailing_;
  }
  return c;
}

XorChunk::AppendState XorChunk::state() const {
  AppendState st;
  st.first_t = first_t_;
  st.last_t = last_t_;
  st.last_t_delta = last_t_delta_;
  st.last_v_bits = last_v_bits_;
  st.count = static_cast<uint16_t>(count_);
  st.leading = leading_;
  st.trailing = trailing_;
  st.free_bits = static_cast<uint8_t>(stream_.free_bits());
  return st;
}

absl::StatusOr<XorChunk> XorChunk::FromState(std::string_view bytes, const AppendState& st) {
  const bool window_ok = st.leading == kNoWindow || (st.leading <= 64 && st.trailing <= 64);
  if (bytes.size() < kHeaderBytes || st.free_bits > 7 || !window_ok ||
      (st.count == 0) != (bytes.size() == kHeaderBytes) ||
      (static_cast<uint16_t>(static_cast<uint8_t>(bytes[0]) << 8 |
                             static_cast<uint8_t>(bytes[1])) != st.count)) {
    return absl::DataLossError("xor chunk: saved appender state does not match the bytes");
  }
  XorChunk c;
  c.stream_ = util::BitWriter(bytes, st.free_bits);
  c.count_ = st.count;
  c.first_t_ = st.first_t;
  c.last_t_ = st.last_t;
  c.last_t_delta_ = st.last_t_delta;
  c.last_v_bits_ = st.last_v_bits;
  c.leading_ = st.leading;
  c.trailing_ = st.trailing;
  return c;
}

void XorChunk::Append(int64_t t, double v) {
  assert(count_ < 65535);
  const int num = count_;
  util::BitWriter* w = &stream_;
  const uint64_t v_bits = std::bit_cast<uint64_t>(v);
  // Timestamp arithmetic is unsigned (wrapping), as in Go, so that no input is undefined
  // behaviour; with increasing timestamps it equals the signed arithmetic.
  uint64_t t_delta = 0;
  if (num == 0) {
    first_t_ = t;
    WriteUvarint(w, util::ZigZagEncode(t));
    w->WriteBits(v_bits, 64);
  } else if (num == 1) {
    t_delta = static_cast<uint64_t>(t) - static_cast<uint64_t>(last_t_);
    WriteUvarint(w, t_delta);
    AppendValue(v_bits);
  } else {
    t_delta = static_cast<uint64_t>(t) - static_cast<uint64_t>(last_t_);
    const int64_t dod = static_cast<int64_t>(t_delta - last_t_delta_);
    const uint64_t u = static_cast<uint64_t>(dod);
    if (dod == 0) {
      w->WriteBits(0b0, 1);
    } else if (FitsBucket(dod, 14)) {
      w->WriteBits((uint64_t{0b10} << 14) | (u & 0x3fff), 2 + 14);
    } else if (FitsBucket(dod, 17)) {
      w->WriteBits((uint64_t{0b110} << 17) | (u & 0x1ffff), 3 + 17);
    } else if (FitsBucket(dod, 20)) {
      w->WriteBits((uint64_t{0b1110} << 20) | (u & 0xfffff), 4 + 20);
    } else {
      w->WriteBits(0b1111, 4);
      w->WriteBits(u, 64);
    }
    AppendValue(v_bits);
  }
  last_t_ = t;
  last_t_delta_ = t_delta;
  last_v_bits_ = v_bits;
  count_ = num + 1;
  w->SetByte(0, static_cast<uint8_t>(count_ >> 8));
  w->SetByte(1, static_cast<uint8_t>(count_));
}

void XorChunk::AppendValue(uint64_t v_bits) {
  util::BitWriter* w = &stream_;
  const uint64_t x = v_bits ^ last_v_bits_;
  if (x == 0) {
    w->WriteBits(0b0, 1);
    return;
  }
  // The leading-zero count has 5 bits in the encoding, so it is capped at 31.
  const int leading = std::min(std::countl_zero(x), 31);
  const int trailing = std::countr_zero(x);
  if (leading_ != kNoWindow && leading >= leading_ && trailing >= trailing_) {
    const int sig = 64 - leading_ - trailing_;
    w->WriteBits(0b10, 2);
    w->WriteBits(x >> trailing_, sig);
    return;
  }
  leading_ = static_cast<uint8_t>(leading);
  trailing_ = static_cast<uint8_t>(trailing);
  const int sig = 64 - leading - trailing;  // 1..64; 64 is written as 0 in the 6-bit field
  w->WriteBits((uint64_t{0b11} << 11) | (uint64_t(leading) << 6) | (uint64_t(sig) & 63), 13);
  w->WriteBits(x >> trailing, sig);
}

XorIterator XorChunk::Iterator() const { return XorIterator(stream_.bytes()); }

XorIterator::XorIterator(std::string_view bytes)
    : reader_(bytes.size() >= kHeaderBytes ? bytes.substr(kHeaderBytes) : std::string_view()) {
  if (bytes.size() < kHeaderBytes) {
    error_ = absl::DataLossError(util::ToAbsl(util::StrCat(
        "xor chunk: ", bytes.size(), " bytes, shorter than the ", kHeaderBytes, "-byte header")));
    return;
  }
  total_ = ReadCount(bytes);
}

void XorIterator::Fail(std::string_view what) {
  error_ = absl::DataLossError(util::ToAbsl(
      util::StrCat("xor chunk: ", what, " in sample ", decoded_ + 1, " of ", total_, " (bit ",
                   reader_.bits_read(), " of ", reader_.size_bytes() * 8, " after the header)")));
  total_ = decoded_;
}

namespace {

// Decoder state that changes with every value, kept in locals (registers) while decoding. The
// window is kept as its length and trailing zeros, which is what decoding needs.
struct ValueState {
  uint64_t v;
  int sig;
  int trailing;
};

// Decodes one XOR value: '0' (same) | '10' + bits in the current window | '11' + 5 bits leading
// zeros + 6 bits length (0 meaning 64) + bits. Precondition: r.Ensure(13). Sets *new_window when
// a window is read; false when that window reaches past 64 bits.
[[gnu::always_inline]] inline bool DecodeValue(util::BitReader& r, ValueState& s,
                                               bool* new_window) {
  const uint64_t w = r.word();
  if ((w >> 63) == 0) {
    r.Consume(1);
    return true;
  }
  if (((w >> 62) & 1) == 0) {
    r.Consume(2);
  } else {
    r.Consume(13);
    const int leading = static_cast<int>((w >> 57) & 31);
    int sig = static_cast<int>((w >> 51) & 63);
    if (sig == 0) sig = 64;
    if (leading + sig > 64) return false;
    s.sig = sig;
    s.trailing = 64 - leading - sig;
    *new_window = true;
  }
  const uint64_t x = s.sig <= 56 ? r.ReadBits(s.sig) : r.ReadBitsWide(s.sig);
  s.v ^= x << s.trailing;
  return true;
}

// Delta-of-delta buckets by the number of leading ones (0..3) of the prefix: bits consumed, the
// payload's range (2^payload bits) and the largest positive payload; larger ones are negative.
constexpr int kBucketBits[4] = {1, 2 + 14, 3 + 17, 4 + 20};
constexpr uint64_t kRange[4] = {0, uint64_t{1} << 14, uint64_t{1} << 17, uint64_t{1} << 20};
constexpr uint64_t kPositiveMax[4] = {~uint64_t{0}, uint64_t{1} << 13, uint64_t{1} << 16,
                                      uint64_t{1} << 19};

}  // namespace

bool XorIterator::NextBatch() {
  if (ended_) return false;
  pos_ = len_ = 0;
  if (decoded_ < total_) DecodeBatch();
  if (len_ == 0) {
    ended_ = true;
    status_ = error_;
    return false;
  }
  t_ = batch_t_[0];
  v_ = batch_v_[0];
  pos_ = 1;
  started_ = true;
  return true;
}

bool XorIterator::DecodeFirstTwo() {
  if (decoded_ == 0) {
    uint64_t zigzag;
    if (!ReadUvarint(&reader_, &zigzag)) {
      Fail(reader_.overrun() ? "stream ends" : "bad first timestamp varint");
      return false;
    }
    const uint64_t v = reader_.ReadBitsWide(64);
    if (reader_.overrun()) {
      Fail("stream ends");
      return false;
    }
    last_t_ = util::ZigZagDecode(zigzag);
    last_v_bits_ = v;
  } else {
    uint64_t delta;
    if (!ReadUvarint(&reader_, &delta)) {
      Fail(reader_.overrun() ? "stream ends" : "bad timestamp delta varint");
      return false;
    }
    ValueState s = {last_v_bits_, 64 - leading_ - trailing_, trailing_};
    reader_.Ensure(13);
    if (!DecodeValue(reader_, s, &has_window_)) {
      Fail("window past 64 bits");
      return false;
    }
    if (reader_.overrun()) {
      Fail("stream ends");
      return false;
    }
    t_delta_ = delta;
    last_t_ = static_cast<int64_t>(static_cast<uint64_t>(last_t_) + delta);
    last_v_bits_ = s.v;
    leading_ = static_cast<uint8_t>(64 - s.sig - s.trailing);
    trailing_ = static_cast<uint8_t>(s.trailing);
  }
  ++decoded_;
  return true;
}

void XorIterator::DecodeBatch() {
  int n = 0;
  while (decoded_ < 2 && decoded_ < total_ && n < kBatch) {
    if (!DecodeFirstTwo()) {
      len_ = n;
      return;
    }
    batch_t_[n] = last_t_;
    batch_v_[n] = std::bit_cast<double>(last_v_bits_);
    ++n;
  }
  const int first = n;
  const int end = std::min(kBatch, n + (total_ - decoded_));
  util::BitReader r = reader_;
  uint64_t t = static_cast<uint64_t>(last_t_);
  uint64_t delta = t_delta_;
  ValueState s = {last_v_bits_, 64 - leading_ - trailing_, trailing_};
  const char* error = nullptr;
  for (; n < end; ++n) {
    // Delta-of-delta timestamp ('0' | '10' | '110' | '1110' + 14/17/20 bits, '1111' + 64 bits)
    // and the value's control bits fit in 37 bits. The short buckets are decoded without
    // branches, as jittery scrapes mix them unpredictably.
    r.Ensure(4 + 20 + 13);
    const uint64_t w = r.word();
    const int ones = std::countl_zero(~w | (uint64_t{1} << 59));  // leading ones, at most 4
    uint64_t dod;
    if (ones < 4) [[likely]] {
      const int bits = kBucketBits[ones];
      const uint64_t raw = (w >> (64 - bits)) & (kRange[ones] - 1);  // drops the prefix
      dod = raw - (raw > kPositiveMax[ones] ? kRange[ones] : 0);
      r.Consume(bits);
    } else {
      r.Consume(4);
      dod = r.ReadBitsWide(64);
      r.Ensure(13);
    }
    if (!DecodeValue(r, s, &has_window_)) [[unlikely]] {
      error = "window past 64 bits";
      break;
    }
    if (r.overrun()) [[unlikely]] {
      error = "stream ends";
      break;
    }
    delta += dod;
    t += delta;
    batch_t_[n] = static_cast<int64_t>(t);
    batch_v_[n] = std::bit_cast<double>(s.v);
  }
  reader_ = r;
  last_t_ = static_cast<int64_t>(t);
  t_delta_ = delta;
  last_v_bits_ = s.v;
  leading_ = static_cast<uint8_t>(64 - s.sig - s.trailing);
  trailing_ = static_cast<uint8_t>(s.trailing);
  decoded_ += n - first;
  len_ = n;
  if (error != nullptr) Fail(error);
}

bool XorIterator::Seek(int64_t t) {
  if (ended_) return false;
  if (started_ && t_ >= t) return true;
  while (Next()) {
    if (t_ >= t) return true;
  }
  return false;
}

}  // namespace sextant::tsdb::chunkenc

#pragma once

// Unsigned LEB128 varints (as protobuf and Go's encoding/binary) and zig-zag signed varints,
// plus fixed-width big-endian integers. Decoders never read past the end of their input.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace sextant::util {

inline constexpr int kMaxVarint64Bytes = 10;

inline void PutUvarint(std::string* dst, uint64_t v) {
  char buf[kMaxVarint64Bytes];
  int n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  dst->append(buf, n);
}

inline uint64_t ZigZagEncode(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t ZigZagDecode(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}
inline void PutVarint(std::string* dst, int64_t v) { PutUvarint(dst, ZigZagEncode(v)); }

// Reads a varint from the front of *in and advances it. False (and *in unchanged) when the input
// ends inside the varint or the varint is longer than 10 bytes / overflows 64 bits.
inline bool GetUvarint(std::string_view* in, uint64_t* v) {
  // Most varints in our records are one byte (small deltas): decide those without the loop.
  if (!in->empty() && static_cast<uint8_t>((*in)[0]) < 0x80) {
    *v = static_cast<uint8_t>((*in)[0]);
    in->remove_prefix(1);
    return true;
  }
  uint64_t result = 0;
  for (size_t i = 0; i < in->size() && i < kMaxVarint64Bytes; ++i) {
    uint64_t byte = static_cast<uint8_t>((*in)[i]);
    if (i == kMaxVarint64Bytes - 1 && byte > 1) return false;  // overflow
    result |= (byte & 0x7f) << (7 * i);
    if (byte < 0x80) {
      in->remove_prefix(i + 1);
      *v = result;
      return true;
    }
  }
  return false;
}
inline bool GetVarint(std::string_view* in, int64_t* v) {
  uint64_t u;
  if (!GetUvarint(in, &u)) return false;
  *v = ZigZagDecode(u);
  return true;
}

inline void PutFixed64BE(std::string* dst, uint64_t v) {
  char buf[8];
  for (int i = 7; i >= 0; --i) {
    buf[i] = static_cast<char>(v);
    v >>= 8;
  }
  dst->append(buf, 8);
}
inline void PutFixed32BE(std::string* dst, uint32_t v) {
  char buf[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
                 static_cast<char>(v)};
  dst->append(buf, 4);
}
inline uint64_t DecodeFixed64BE(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}
inline uint32_t DecodeFixed32BE(const char* p) {
  return (uint32_t{static_cast<uint8_t>(p[0])} << 24) |
         (uint32_t{static_cast<uint8_t>(p[1])} << 16) |
         (uint32_t{static_cast<uint8_t>(p[2])} << 8) | uint32_t{static_cast<uint8_t>(p[3])};
}
inline bool GetFixed64BE(std::string_view* in, uint64_t* v) {
  if (in->size() < 8) return false;
  *v = DecodeFixed64BE(in->data());
  in->remove_prefix(8);
  return true;
}
// Reads a uvarint length and that many bytes.
inline bool GetLengthPrefixed(std::string_view* in, std::string_view* out) {
  std::string_view copy = *in;
  uint64_t len;
  if (!GetUvarint(&copy, &len) || len > copy.size()) return false;
  *out = copy.substr(0, len);
  copy.remove_prefix(len);
  *in = copy;
  return true;
}
inline void PutLengthPrefixed(std::string* dst, std::string_view s) {
  PutUvarint(dst, s.size());
  dst->append(s);
}

}  // namespace sextant::util

#include "util/bit_stream.h"

#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace sextant::util {
namespace {

uint64_t Mask(int n) { return n == 64 ? ~uint64_t{0} : (uint64_t{1} << n) - 1; }

TEST(BitWriter, WritesMostSignificantBitFirst) {
  BitWriter w;
  EXPECT_EQ(w.bytes(), "");
  w.WriteBit(true);
  w.WriteBits(0b01, 2);
  EXPECT_EQ(w.bytes(), std::string(1, '\xa0'));  // 101 00000
  EXPECT_EQ(w.free_bits(), 5);
  w.WriteBits(0x1ff, 9);  // 5 bits finish the byte, 4 start the next
  EXPECT_EQ(w.bytes(), std::string("\xbf\xf0", 2));
  EXPECT_EQ(w.free_bits(), 4);
  w.WriteByte(0xab);
  EXPECT_EQ(w.bytes(), std::string("\xbf\xfa\xb0", 3));
  EXPECT_EQ(w.bit_size(), 20u);
}

TEST(BitWriter, IgnoresBitsAboveN) {
  BitWriter w;
  w.WriteBits(~uint64_t{0}, 3);
  w.WriteBits(0, 5);
  w.WriteBits(~uint64_t{0}, 0);
  EXPECT_EQ(w.bytes(), std::string(1, '\xe0'));
}

TEST(BitWriter, ContinuesAPartialByte) {
  BitWriter first;
  first.WriteBits(0b110, 3);
  ASSERT_EQ(first.free_bits(), 5);
  BitWriter w(first.bytes(), first.free_bits());
  EXPECT_EQ(w.bytes(), first.bytes());
  w.WriteBits(0b11111, 5);
  EXPECT_EQ(w.bytes(), std::string(1, '\xdf'));
  EXPECT_EQ(w.free_bits(), 0);
  w.WriteBits(1, 1);
  EXPECT_EQ(w.bytes(), std::string("\xdf\x80", 2));
}

TEST(BitWriter, SetByteAndRelease) {
  BitWriter w;
  w.WriteBits(0, 16);
  w.WriteBits(0x5, 3);
  w.SetByte(1, 0x42);
  EXPECT_EQ(w.bytes(), std::string("\x00\x42\xa0", 3));
  const std::string out = std::move(w).Release();
  EXPECT_EQ(out, std::string("\x00\x42\xa0", 3));
}

TEST(BitWriter, GrowsAcrossManyWrites) {
  BitWriter w;
  for (int i = 0; i < 10000; ++i) w.WriteBits(0xffffffffffffffffull, 61);
  EXPECT_EQ(w.bit_size(), 610000u);
  const std::string_view b = w.bytes();
  ASSERT_EQ(b.size(), 76250u);
  for (char c : b) ASSERT_EQ(c, '\xff');
}

TEST(BitWriter, Writes64BitsAtAnyOffset) {
  for (int offset = 0; offset < 8; ++offset) {
    BitWriter w;
    w.WriteBits(0, offset);
    w.WriteBits(0x0123456789abcdefull, 64);
    w.WriteBits(1, 1);
    BitReader r(w.bytes());
    r.ReadBitsWide(offset);
    EXPECT_EQ(r.ReadBitsWide(64), 0x0123456789abcdefull) << offset;
    EXPECT_EQ(r.ReadBits(1), 1u);
    EXPECT_FALSE(r.overrun());
  }
}

TEST(BitStream, RandomRoundTrip) {
  std::mt19937_64 rng(42);
  std::vector<std::pair<uint64_t, int>> fields;
  BitWriter w;
  uint64_t total_bits = 0;
  for (int i = 0; i < 20000; ++i) {
    const int n = static_cast<int>(rng() % 65);
    const uint64_t v = rng() & Mask(n);
    fields.emplace_back(v, n);
    w.WriteBits(v | (n < 64 ? rng() << n : 0), n);  // garbage above n must be ignored
    total_bits += n;
  }
  ASSERT_EQ(w.bytes().size(), (total_bits + 7) / 8);
  BitReader r(w.bytes());
  for (const auto& [v, n] : fields) {
    ASSERT_EQ(r.ReadBitsWide(n), v);
  }
  EXPECT_FALSE(r.overrun());
  EXPECT_EQ(r.bits_read(), total_bits);
}

TEST(BitReader, ReadsAcrossWordBoundaries) {
  // Every byte is its index, so reads at every bit offset can be checked against a slow decoder.
  std::string data;
  for (int i = 0; i < 40; ++i) data.push_back(static_cast<char>(i * 37 + 11));
  auto slow_bits = [&](uint64_t pos, int n) {
    uint64_t v = 0;
    for (int i = 0; i < n; ++i, ++pos) {
      v = (v << 1) | ((static_cast<uint8_t>(data[pos / 8]) >> (7 - pos % 8)) & 1);
    }
    return v;
  };
  for (int n = 1; n <= 64; ++n) {
    BitReader r(data);
    uint64_t pos = 0;
    while (pos + n <= data.size() * 8) {
      ASSERT_EQ(r.ReadBitsWide(n), slow_bits(pos, n)) << "n=" << n << " pos=" << pos;
      pos += n;
      ASSERT_EQ(r.bits_read(), pos);
    }
    EXPECT_FALSE(r.overrun());
  }
}

TEST(BitReader, ReportsOverrunAndReadsZerosPastTheEnd) {
  const std::string data("\xff\xff\xff", 3);
  BitReader r(data);
  EXPECT_EQ(r.ReadBits(20), 0xfffffu);
  EXPECT_FALSE(r.overrun());
  EXPECT_EQ(r.ReadBits(4), 0xfu);
  EXPECT_FALSE(r.overrun());  // exactly at the end is fine
  EXPECT_EQ(r.ReadBits(1), 0u);
  EXPECT_TRUE(r.overrun());
  EXPECT_EQ(r.ReadBitsWide(64), 0u);
  EXPECT_EQ(r.ReadBitsWide(64), 0u);
  EXPECT_TRUE(r.overrun());  // sticky
}

TEST(BitReader, PartialReadAcrossTheEnd) {
  const std::string data("\xab", 1);
  BitReader r(data);
  EXPECT_EQ(r.ReadBits(12), 0xab0u);
  EXPECT_TRUE(r.overrun());
}

TEST(BitReader, EmptyInput) {
  BitReader r(std::string_view{});
  EXPECT_FALSE(r.overrun());
  EXPECT_EQ(r.Peek(8), 0u);
  EXPECT_FALSE(r.overrun());  // peeking consumes nothing
  r.Consume(1);
  EXPECT_TRUE(r.overrun());
}

TEST(BitReader, PeekThenConsume) {
  const std::string data("\x5a\xc3\x00\x00\x00\x00\x00\x00\x00\x01", 10);
  BitReader r(data);
  EXPECT_EQ(r.Peek(4), 0x5u);
  EXPECT_EQ(r.Peek(12), 0x5acu);
  r.Consume(4);
  EXPECT_EQ(r.ReadBits(8), 0xacu);
  EXPECT_EQ(r.ReadBitsWide(64), 0x3000000000000000u);
  EXPECT_EQ(r.ReadBits(4), 0x1u);
  EXPECT_FALSE(r.overrun());
  EXPECT_EQ(r.bits_read(), 80u);
}

}  // namespace
}  // namespace sextant::util

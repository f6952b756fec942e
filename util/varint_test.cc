#include "util/varint.h"

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "gtest/gtest.h"

namespace sextant::util {
namespace {

TEST(Varint, RoundTripsUnsignedAndSigned) {
  std::string buf;
  const uint64_t unsigned_values[] = {
      0, 1, 127, 128, 300, 1ull << 35, std::numeric_limits<uint64_t>::max()};
  const int64_t signed_values[] = {
      0, -1, 1, -64, 64, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()};
  for (uint64_t v : unsigned_values) PutUvarint(&buf, v);
  for (int64_t v : signed_values) PutVarint(&buf, v);
  std::string_view in = buf;
  for (uint64_t want : unsigned_values) {
    uint64_t got;
    ASSERT_TRUE(GetUvarint(&in, &got));
    EXPECT_EQ(got, want);
  }
  for (int64_t want : signed_values) {
    int64_t got;
    ASSERT_TRUE(GetVarint(&in, &got));
    EXPECT_EQ(got, want);
  }
  EXPECT_TRUE(in.empty());
}

TEST(Varint, TruncatedInputFailsAndLeavesInputAlone) {
  std::string buf;
  PutUvarint(&buf, 1ull << 40);
  std::string_view in(buf.data(), buf.size() - 1);
  uint64_t v;
  EXPECT_FALSE(GetUvarint(&in, &v));
  EXPECT_EQ(in.size(), buf.size() - 1);
}

TEST(Varint, OverlongVarintFails) {
  std::string buf(10, '\xff');
  buf.push_back('\x01');
  std::string_view in = buf;
  uint64_t v;
  EXPECT_FALSE(GetUvarint(&in, &v));
}

TEST(Varint, LengthPrefixedRejectsLengthPastEnd) {
  std::string buf;
  PutUvarint(&buf, 5);
  buf += "abc";
  std::string_view in = buf, out;
  EXPECT_FALSE(GetLengthPrefixed(&in, &out));
  std::string ok;
  PutLengthPrefixed(&ok, "hello");
  in = ok;
  ASSERT_TRUE(GetLengthPrefixed(&in, &out));
  EXPECT_EQ(out, "hello");
}

TEST(Fixed, BigEndianRoundTrip) {
  std::string buf;
  PutFixed64BE(&buf, 0x0102030405060708ull);
  PutFixed32BE(&buf, 0xdeadbeef);
  EXPECT_EQ(static_cast<uint8_t>(buf[0]), 1);
  EXPECT_EQ(DecodeFixed64BE(buf.data()), 0x0102030405060708ull);
  EXPECT_EQ(DecodeFixed32BE(buf.data() + 8), 0xdeadbeefu);
}

}  // namespace
}  // namespace sextant::util

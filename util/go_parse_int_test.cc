#include "util/go_parse_int.h"

#include <cstdint>

#include "gtest/gtest.h"

namespace sextant::util {
namespace {

TEST(ParseGoUint, Prefixes) {
  uint64_t v = 0;
  ASSERT_TRUE(ParseGoUint("0x1F", &v));
  EXPECT_EQ(v, 31u);
  ASSERT_TRUE(ParseGoUint("0o17", &v));
  EXPECT_EQ(v, 15u);
  ASSERT_TRUE(ParseGoUint("017", &v));
  EXPECT_EQ(v, 15u);
  ASSERT_TRUE(ParseGoUint("0B101", &v));
  EXPECT_EQ(v, 5u);
  ASSERT_TRUE(ParseGoUint("0", &v));
  EXPECT_EQ(v, 0u);
  ASSERT_TRUE(ParseGoUint("18446744073709551615", &v));
  EXPECT_EQ(v, UINT64_MAX);
}

TEST(ParseGoUint, RejectsWhatGoRejects) {
  uint64_t v = 0;
  for (const char* s :
       {"", "+1", "-1", "0x", "0o", "0b", "08", "0b2", "1a", "18446744073709551616"}) {
    EXPECT_FALSE(ParseGoUint(s, &v)) << s;
  }
}

TEST(ParseGoUint, UnderscoresWhereGoAllowsThem) {
  uint64_t v = 0;
  ASSERT_TRUE(ParseGoUint("1_000", &v));
  EXPECT_EQ(v, 1000u);
  ASSERT_TRUE(ParseGoUint("0x_1F", &v));
  EXPECT_EQ(v, 31u);
  ASSERT_TRUE(ParseGoUint("0_7", &v));
  EXPECT_EQ(v, 7u);
  for (const char* s : {"_1", "1_", "1__0", "0_", "0x1_"}) EXPECT_FALSE(ParseGoUint(s, &v)) << s;
}

TEST(ParseGoInt, SignsAndRange) {
  int64_t v = 0;
  ASSERT_TRUE(ParseGoInt("-0x10", &v));
  EXPECT_EQ(v, -16);
  ASSERT_TRUE(ParseGoInt("+7", &v));
  EXPECT_EQ(v, 7);
  ASSERT_TRUE(ParseGoInt("-9223372036854775808", &v));
  EXPECT_EQ(v, INT64_MIN);
  EXPECT_FALSE(ParseGoInt("9223372036854775808", &v));
  EXPECT_FALSE(ParseGoInt("-", &v));
  EXPECT_FALSE(ParseGoInt("--1", &v));
}

TEST(HexDigitValue, BothCases) {
  EXPECT_EQ(HexDigitValue('7'), 7);
  EXPECT_EQ(HexDigitValue('b'), 11);
  EXPECT_EQ(HexDigitValue('F'), 15);
  EXPECT_EQ(HexDigitValue('g'), -1);
}

}  // namespace
}  // namespace sextant::util

#include "util/go_format.h"

#include <cerrno>
#include <cmath>
#include <limits>

#include <gtest/gtest.h>

namespace sextant::util {
namespace {

TEST(QuoteGo, EscapesLikeStrconvQuote) {
  EXPECT_EQ(QuoteGo("plain"), "\"plain\"");
  EXPECT_EQ(QuoteGo("a\"b\\c\nd\te"), R"("a\"b\\c\nd\te")");
  EXPECT_EQ(QuoteGo(std::string_view("\x01\x7f", 2)), R"("\x01\x7f")");
  EXPECT_EQ(QuoteGo("h\xc3\xa9llo"), "\"h\xc3\xa9llo\"");  // valid UTF-8 kept
  EXPECT_EQ(QuoteGo("bad\xff"), R"("bad\xff")");           // invalid byte escaped
}

TEST(QuoteJson, EscapesControlCharacters) {
  EXPECT_EQ(QuoteJson("a\"b\\\n"), R"("a\"b\\\n")");
  EXPECT_EQ(QuoteJson(std::string_view("\x01", 1)), R"("\u0001")");
}

TEST(FormatFloatGo, MatchesStrconvG) {
  EXPECT_EQ(FormatFloatGo(0), "0");
  EXPECT_EQ(FormatFloatGo(1), "1");
  EXPECT_EQ(FormatFloatGo(-2.5), "-2.5");
  EXPECT_EQ(FormatFloatGo(0.005), "0.005");
  EXPECT_EQ(FormatFloatGo(0.0001), "0.0001");
  EXPECT_EQ(FormatFloatGo(0.00001), "1e-05");
  EXPECT_EQ(FormatFloatGo(20000), "20000");
  EXPECT_EQ(FormatFloatGo(123456), "123456");
  EXPECT_EQ(FormatFloatGo(1e6), "1e+06");
  EXPECT_EQ(FormatFloatGo(1048576), "1.048576e+06");
  EXPECT_EQ(FormatFloatGo(3.1800096e+07), "3.1800096e+07");
  EXPECT_EQ(FormatFloatGo(1.79523853842e+09), "1.79523853842e+09");
  EXPECT_EQ(FormatFloatGo(1e100), "1e+100");
  EXPECT_EQ(FormatFloatGo(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(FormatFloatGo(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(FormatFloatGo(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatFloatGo(-std::numeric_limits<double>::infinity()), "-Inf");
}

TEST(IsValidUtf8, RejectsMalformedSequences) {
  EXPECT_TRUE(IsValidUtf8("abc\xe2\x82\xac"));
  EXPECT_FALSE(IsValidUtf8("\xc3"));          // truncated
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));  // surrogate
}

TEST(GoErrnoText, LowerCasesTheFirstLetter) {
  EXPECT_EQ(GoErrnoText(ENOENT), "no such file or directory");
  EXPECT_EQ(GoErrnoText(EACCES), "permission denied");
  EXPECT_EQ(GoErrnoText(EISDIR), "is a directory");
}

}  // namespace
}  // namespace sextant::util

#include "scrape/parser/parse_float.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>

#include "gtest/gtest.h"
#include "model/sample.h"

namespace sextant::scrape {
namespace {

double Parse(std::string_view s) {
  double v = -12345;
  std::string error;
  EXPECT_TRUE(ParseGoFloat(s, &v, &error)) << s << ": " << error;
  return v;
}

std::string Error(std::string_view s) {
  double v = 0;
  std::string error;
  EXPECT_FALSE(ParseGoFloat(s, &v, &error)) << s;
  return error;
}

TEST(ParseGoFloat, AcceptsGoDecimalForms) {
  EXPECT_EQ(Parse("1"), 1);
  EXPECT_EQ(Parse("-.5"), -0.5);
  EXPECT_EQ(Parse("5."), 5);
  EXPECT_EQ(Parse("+5"), 5);
  EXPECT_EQ(Parse("1E3"), 1000);
  EXPECT_EQ(Parse("1.5e+3"), 1500);
  EXPECT_EQ(Parse("0001"), 1);
  EXPECT_EQ(Parse("1.23456789e+08"), 123456789);
  EXPECT_EQ(Parse("0.1"), 0.1);
  EXPECT_EQ(Parse("1e-400"), 0);  // underflow is not an error in Go
  EXPECT_EQ(Parse("4.9e-324"), std::numeric_limits<double>::denorm_min());
  EXPECT_EQ(Parse("1.7976931348623157e308"), std::numeric_limits<double>::max());
  EXPECT_TRUE(std::signbit(Parse("-0")));
}

TEST(ParseGoFloat, WholeNumbersExactlyAsStrtod) {
  // Up to 15 digits take the integer fast path; longer ones are rounded by the general parser.
  for (const char* s : {"0", "7", "000", "999999999999999", "123456789012345", "1234567890123456",
                        "9007199254740993", "18446744073709551617", "-0", "-15", "+15"}) {
    EXPECT_EQ(std::bit_cast<uint64_t>(Parse(s)), std::bit_cast<uint64_t>(std::strtod(s, nullptr)))
        << s;
  }
}

TEST(ParseGoFloat, AcceptsSpecialValues) {
  EXPECT_EQ(std::bit_cast<uint64_t>(Parse("NaN")), model::kNormalNaNBits);
  EXPECT_TRUE(std::isnan(Parse("nan")));
  EXPECT_EQ(Parse("+Inf"), std::numeric_limits<double>::infinity());
  EXPECT_EQ(Parse("inf"), std::numeric_limits<double>::infinity());
  EXPECT_EQ(Parse("-Inf"), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(Parse("infinity"), std::numeric_limits<double>::infinity());
  EXPECT_EQ(Parse("-Infinity"), -std::numeric_limits<double>::infinity());
}

TEST(ParseGoFloat, RejectsWithPrometheusMessages) {
  EXPECT_EQ(Error("abc"), "strconv.ParseFloat: parsing \"abc\": invalid syntax");
  EXPECT_EQ(Error("1e400"), "strconv.ParseFloat: parsing \"1e400\": value out of range");
  EXPECT_EQ(Error("-1e400"), "strconv.ParseFloat: parsing \"-1e400\": value out of range");
  EXPECT_EQ(Error("0x10"), "strconv.ParseFloat: parsing \"0x10\": invalid syntax");
  EXPECT_EQ(Error("1_0"), "unsupported character in float");
  EXPECT_EQ(Error("0x1p3"), "unsupported character in float");
  EXPECT_EQ(Error("+nan"), "strconv.ParseFloat: parsing \"+nan\": invalid syntax");
  EXPECT_EQ(Error("infin"), "strconv.ParseFloat: parsing \"infin\": invalid syntax");
  EXPECT_EQ(Error("1e"), "strconv.ParseFloat: parsing \"1e\": invalid syntax");
  EXPECT_EQ(Error("."), "strconv.ParseFloat: parsing \".\": invalid syntax");
  EXPECT_EQ(Error(""), "strconv.ParseFloat: parsing \"\": invalid syntax");
  EXPECT_EQ(Error("1.5\t"), "strconv.ParseFloat: parsing \"1.5\\t\": invalid syntax");
  EXPECT_EQ(Error("100\r"), "strconv.ParseFloat: parsing \"100\\r\": invalid syntax");
  EXPECT_EQ(Error("1 "), "strconv.ParseFloat: parsing \"1 \": invalid syntax");
}

}  // namespace
}  // namespace sextant::scrape

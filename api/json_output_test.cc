#include "api/json_output.h"

#include <cmath>
#include <limits>
#include <string>

#include "gtest/gtest.h"

namespace sextant::api {
namespace {

std::string Number(double v) {
  std::string out;
  AppendJsonNumber(&out, v);
  return out;
}

std::string Value(double v) {
  std::string out;
  AppendSampleValue(&out, v);
  return out;
}

TEST(JsonOutput, NumbersAsGoEncodingJson) {
  EXPECT_EQ(Number(3600), "3600");
  EXPECT_EQ(Number(1209600), "1209600");  // %g would write 1.2096e+06
  EXPECT_EQ(Number(0.000012), "0.000012");
  EXPECT_EQ(Number(0.5), "0.5");
  EXPECT_EQ(Number(0), "0");
  EXPECT_EQ(Number(1e-7), "1e-7");
  EXPECT_EQ(Number(1.5e-10), "1.5e-10");
  EXPECT_EQ(Number(1e21), "1e+21");
  EXPECT_EQ(Number(std::numeric_limits<double>::quiet_NaN()), "null");
}

TEST(JsonOutput, SampleValuesKeepTheirPaddedExponent) {
  EXPECT_EQ(Value(1e-7), "\"1e-07\"");
  EXPECT_EQ(Value(0.5), "\"0.5\"");
  EXPECT_EQ(Value(-std::numeric_limits<double>::infinity()), "\"-Inf\"");
}

}  // namespace
}  // namespace sextant::api

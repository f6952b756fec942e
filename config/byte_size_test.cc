#include "config/byte_size.h"

#include <gtest/gtest.h>

namespace sextant::config {
namespace {

TEST(ByteSize, ParsesBase2UnitsBothSpellings) {
  EXPECT_EQ(*ParseByteSize("0"), 0u);
  EXPECT_EQ(*ParseByteSize("100B"), 100u);
  EXPECT_EQ(*ParseByteSize("1KB"), 1024u);
  EXPECT_EQ(*ParseByteSize("1KiB"), 1024u);
  EXPECT_EQ(*ParseByteSize("512MB"), 512u << 20);
  EXPECT_EQ(*ParseByteSize("50GB"), 50ull << 30);
  EXPECT_EQ(*ParseByteSize("1.5GB"), 3ull << 29);
  EXPECT_EQ(*ParseByteSize("1GB512MB"), (1ull << 30) + (512ull << 20));
}

TEST(ByteSize, RejectsWithPrometheusWording) {
  EXPECT_EQ(ParseByteSize("10XB").status().message(), "units: unknown unit XB in 10XB");
  EXPECT_EQ(ParseByteSize("1000").status().message(), "units: unknown unit  in 1000");
  EXPECT_FALSE(ParseByteSize("").ok());
  EXPECT_FALSE(ParseByteSize("MB").ok());
  EXPECT_FALSE(ParseByteSize("99999EB").ok());
}

TEST(ByteSize, FormatsLikeAlecthomasUnits) {
  EXPECT_EQ(ByteSizeToString(0), "0B");
  EXPECT_EQ(ByteSizeToString(10u << 20), "10MiB");
  EXPECT_EQ(ByteSizeToString(1536), "1KiB512B");
  EXPECT_EQ(ByteSizeToString(50ull << 30), "50GiB");
}

}  // namespace
}  // namespace sextant::config

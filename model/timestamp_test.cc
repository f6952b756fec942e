#include "model/timestamp.h"

#include <gtest/gtest.h>

namespace sextant::model {
namespace {

TEST(Timestamp, FormatsRfc3339WithNeededFraction) {
  EXPECT_EQ(FormatRfc3339(absl::FromUnixSeconds(0)), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(ToTime(1700000000123)), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(FormatRfc3339(absl::FromUnixNanos(1500000000)), "1970-01-01T00:00:01.5Z");
}

TEST(Timestamp, ParsesRfc3339WithOffsets) {
  EXPECT_EQ(FromTime(*ParseRfc3339("2023-11-14T22:13:20.123Z")), 1700000000123);
  EXPECT_EQ(FromTime(*ParseRfc3339("2023-11-14T23:13:20+01:00")), 1700000000000);
  EXPECT_FALSE(ParseRfc3339("2023-11-14 22:13:20").ok());
}

TEST(Timestamp, ParsesApiTimes) {
  EXPECT_EQ(*ParseApiTime("4"), 4000);
  EXPECT_EQ(*ParseApiTime("1700000000.123"), 1700000000123);
  EXPECT_EQ(*ParseApiTime("1700000000.1236"), 1700000000124);  // rounded to the millisecond
  EXPECT_EQ(*ParseApiTime("-1.5"), -1500);
  EXPECT_EQ(*ParseApiTime("2023-11-14T22:13:20.123Z"), 1700000000123);
  auto bad = ParseApiTime("yesterday");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "cannot parse \"yesterday\" to a valid timestamp");
  EXPECT_FALSE(ParseApiTime("NaN").ok());
}

TEST(Timestamp, ApiBoundsAreRepresentable) {
  EXPECT_LT(kMinTimestamp, 0);
  EXPECT_GT(kMaxTimestamp, NowTimestamp());
  EXPECT_EQ(FormatRfc3339(ToTime(kMinTimestamp)).substr(0, 5), "-2922");
}

}  // namespace
}  // namespace sextant::model

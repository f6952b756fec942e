#include "model/duration.h"

#include <gtest/gtest.h>

namespace sextant::model {
namespace {

TEST(ParseDuration, AcceptsPrometheusSyntax) {
  EXPECT_EQ(*ParseDuration("0"), absl::ZeroDuration());
  EXPECT_EQ(*ParseDuration("0s"), absl::ZeroDuration());
  EXPECT_EQ(*ParseDuration("500ms"), absl::Milliseconds(500));
  EXPECT_EQ(*ParseDuration("15s"), absl::Seconds(15));
  EXPECT_EQ(*ParseDuration("1h30m"), absl::Minutes(90));
  EXPECT_EQ(*ParseDuration("1m0s"), absl::Minutes(1));  // as Grafana sends it
  EXPECT_EQ(*ParseDuration("90d"), absl::Hours(24 * 90));
  EXPECT_EQ(*ParseDuration("2w"), absl::Hours(24 * 14));
  EXPECT_EQ(*ParseDuration("1y"), absl::Hours(24 * 365));
  EXPECT_EQ(*ParseDuration("1y2w3d4h5m6s7ms"), absl::Hours(24 * (365 + 14 + 3) + 4) +
                                                   absl::Minutes(5) + absl::Seconds(6) +
                                                   absl::Milliseconds(7));
}

TEST(ParseDuration, RejectsWhatPrometheusRejects) {
  for (const char* bad : {"", "banana", "10", "1.5m", "15S", "-5m", "5m1h", "5m5m", "1h 30m", "m",
                          "5mss", "999999999999y"}) {
    auto d = ParseDuration(bad);
    ASSERT_FALSE(d.ok()) << bad;
    EXPECT_EQ(d.status().message(), std::string("not a valid duration string: \"") + bad + "\"");
  }
}

TEST(FormatDuration, PicksLargestUnits) {
  EXPECT_EQ(DurationToString(absl::ZeroDuration()), "0s");
  EXPECT_EQ(DurationToString(absl::Milliseconds(500)), "500ms");
  EXPECT_EQ(DurationToString(absl::Seconds(5400)), "1h30m");
  EXPECT_EQ(DurationToString(absl::Hours(24 * 90)), "90d");  // not 12w6d
  EXPECT_EQ(DurationToString(absl::Hours(24 * 14)), "2w");
  EXPECT_EQ(DurationToString(absl::Hours(24 * 365)), "1y");
  EXPECT_EQ(DurationToString(absl::Seconds(61) + absl::Milliseconds(5)), "1m1s5ms");
  EXPECT_EQ(DurationToString(-absl::Minutes(5)), "-5m");
}

TEST(FormatDuration, RoundTrips) {
  for (const char* text : {"1h30m", "90d", "1y", "500ms", "2w", "1d1h1m1s1ms", "15s"}) {
    EXPECT_EQ(DurationToString(*ParseDuration(text)), text);
  }
}

}  // namespace
}  // namespace sextant::model

#include "cmd/sextant-tool/go_time.h"

#include "gtest/gtest.h"

namespace sextant::tool {
namespace {

constexpr int64_t kMs = 1'000'000;

TEST(FormatGoDuration, MatchesGo) {
  EXPECT_EQ(FormatGoDuration(0), "0s");
  EXPECT_EQ(FormatGoDuration(1), "1ns");
  EXPECT_EQ(FormatGoDuration(341818), "341.818\xC2\xB5s");
  EXPECT_EQ(FormatGoDuration(1 * kMs), "1ms");
  EXPECT_EQ(FormatGoDuration(999 * kMs), "999ms");
  EXPECT_EQ(FormatGoDuration(13325873), "13.325873ms");
  EXPECT_EQ(FormatGoDuration(193855625), "193.855625ms");
  EXPECT_EQ(FormatGoDuration(7200000 * kMs), "2h0m0s");
  EXPECT_EQ(FormatGoDuration(420001 * kMs), "7m0.001s");
  EXPECT_EQ(FormatGoDuration(100001 * kMs), "1m40.001s");
  EXPECT_EQ(FormatGoDuration(5999001 * kMs), "1h39m59.001s");
  EXPECT_EQ(FormatGoDuration(20000001 * kMs), "5h33m20.001s");
  EXPECT_EQ(FormatGoDuration(2255001 * kMs), "37m35.001s");
  EXPECT_EQ(FormatGoDuration(1500 * kMs), "1.5s");
  EXPECT_EQ(FormatGoDuration(-1500 * kMs), "-1.5s");
  EXPECT_EQ(FormatGoDuration(INT64_MIN), "-2562047h47m16.854775808s");
}

TEST(ParseGoDuration, MatchesGo) {
  EXPECT_EQ(*ParseGoDuration("0"), 0);
  EXPECT_EQ(*ParseGoDuration("24h"), 24 * 3600 * 1000 * kMs);
  EXPECT_EQ(*ParseGoDuration("1h30m"), 5400 * 1000 * kMs);
  EXPECT_EQ(*ParseGoDuration("1.5h"), 5400 * 1000 * kMs);
  EXPECT_EQ(*ParseGoDuration("90m"), 5400 * 1000 * kMs);
  EXPECT_EQ(*ParseGoDuration("300ms"), 300 * kMs);
  EXPECT_EQ(*ParseGoDuration("2us"), 2000);
  EXPECT_EQ(*ParseGoDuration("2\xC2\xB5s"), 2000);
  EXPECT_EQ(*ParseGoDuration("-1m"), -60 * 1000 * kMs);
  EXPECT_EQ(*ParseGoDuration(".5s"), 500 * kMs);
  EXPECT_EQ(ParseGoDuration("7d").status().message(),
            "time: unknown unit \"d\" in duration \"7d\"");
  EXPECT_EQ(ParseGoDuration("1").status().message(), "time: missing unit in duration \"1\"");
  EXPECT_EQ(ParseGoDuration("abc").status().message(), "time: invalid duration \"abc\"");
  EXPECT_EQ(ParseGoDuration("").status().message(), "time: invalid duration \"\"");
  EXPECT_EQ(ParseGoDuration("3000000h").status().message(), "time: invalid duration \"3000000h\"");
}

TEST(FormatGoUnixUtc, MatchesGo) {
  EXPECT_EQ(FormatGoUnixUtc(1700000000), "2023-11-14 22:13:20 +0000 UTC");
  EXPECT_EQ(FormatGoUnixUtc(0), "1970-01-01 00:00:00 +0000 UTC");
  EXPECT_EQ(FormatGoUnixUtc(-1), "1969-12-31 23:59:59 +0000 UTC");
}

}  // namespace
}  // namespace sextant::tool

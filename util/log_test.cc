#include "util/log.h"

#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sextant::util {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(FormatLogRecord, LogfmtQuotesOnlyWhenNeeded) {
  EXPECT_EQ(FormatLogRecord(LogFormat::kLogfmt, "2026-01-02T03:04:05.678Z", LogLevel::kInfo, "web",
                            "Start listening",
                            {{"address", "0.0.0.0:9090"}, {"n", 3}, {"empty", ""}, {"ok", true}}),
            "ts=2026-01-02T03:04:05.678Z level=info component=web msg=\"Start listening\" "
            "address=0.0.0.0:9090 n=3 empty=\"\" ok=true\n");
}

TEST(FormatLogRecord, LogfmtEscapesQuotesAndNewlines) {
  EXPECT_EQ(FormatLogRecord(LogFormat::kLogfmt, "T", LogLevel::kError, "", "x",
                            {{"err", "line 1: \"a\"\nb"}}),
            "ts=T level=error msg=x err=\"line 1: \\\"a\\\"\\nb\"\n");
}

TEST(FormatLogRecord, Json) {
  EXPECT_EQ(FormatLogRecord(LogFormat::kJson, "T", LogLevel::kWarn, "tsdb", "say \"hi\"",
                            {{"ratio", 0.5}}),
            "{\"ts\":\"T\",\"level\":\"warn\",\"component\":\"tsdb\",\"msg\":\"say \\\"hi\\\"\","
            "\"ratio\":\"0.5\"}\n");
}

TEST(Logger, FiltersByLevel) {
  std::vector<std::string> records;
  SetLogSinkForTesting([&](std::string_view r) { records.emplace_back(r); });
  ConfigureLogging(LogLevel::kWarn, LogFormat::kLogfmt);
  const Logger log("test");
  log.Debug("d");
  log.Info("i");
  log.Warn("w");
  log.Error("e", {{"status", absl::NotFoundError("gone")}});
  ConfigureLogging(LogLevel::kInfo, LogFormat::kLogfmt);
  SetLogSinkForTesting(nullptr);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_THAT(records[0], HasSubstr("level=warn component=test msg=w\n"));
  EXPECT_THAT(records[1], HasSubstr("level=error component=test msg=e status=gone\n"));
}

TEST(ParseLogLevel, AcceptsPrometheusLevelsOnly) {
  EXPECT_EQ(*ParseLogLevel("debug"), LogLevel::kDebug);
  EXPECT_EQ(*ParseLogLevel("error"), LogLevel::kError);
  EXPECT_FALSE(ParseLogLevel("trace").ok());
  EXPECT_FALSE(ParseLogFormat("xml").ok());
  EXPECT_EQ(*ParseLogFormat("json"), LogFormat::kJson);
}

}  // namespace
}  // namespace sextant::util

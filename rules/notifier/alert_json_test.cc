#include "rules/notifier/alert_json.h"

#include "gtest/gtest.h"

namespace sextant::rules {
namespace {

absl::Time At(int64_t unix_ms) { return absl::FromUnixMillis(unix_ms); }

TEST(AlertJson, FieldsInGoSwaggerOrder) {
  NotifierAlert a;
  a.labels = model::Labels::FromPairs({{"alertname", "Down"}, {"job", "node"}});
  a.annotations = model::Labels::FromPairs({{"summary", "it is down"}});
  a.starts_at = At(1767225600123);  // 2026-01-01T00:00:00.123Z
  a.ends_at = At(1767225900999);
  a.generator_url = "http://sextant:9090/graph?g0.expr=up+%3D%3D+0";
  EXPECT_EQ(EncodeAlerts({&a, 1}),
            R"([{"annotations":{"summary":"it is down"},"endsAt":"2026-01-01T00:05:00.999Z",)"
            R"("startsAt":"2026-01-01T00:00:00.123Z",)"
            R"("generatorURL":"http://sextant:9090/graph?g0.expr=up+%3D%3D+0",)"
            R"("labels":{"alertname":"Down","job":"node"}}])");
}

TEST(AlertJson, EmptyAnnotationsAndUrlLeftOutZeroTimesSent) {
  std::vector<NotifierAlert> alerts(2);
  alerts[0].labels = model::Labels::FromPairs({{"alertname", "A"}});
  EXPECT_EQ(EncodeAlerts(alerts),
            R"([{"endsAt":"0001-01-01T00:00:00.000Z","startsAt":"0001-01-01T00:00:00.000Z",)"
            R"("labels":{"alertname":"A"}},)"
            R"({"endsAt":"0001-01-01T00:00:00.000Z","startsAt":"0001-01-01T00:00:00.000Z",)"
            R"("labels":{}}])");
  EXPECT_EQ(EncodeAlerts({}), "[]");
}

TEST(AlertJson, StringsEscapedAsGo) {
  NotifierAlert a;
  a.labels = model::Labels::FromPairs(
      {{"a", "<b> & \"q\" \\ \n\t\x01\x7f"}, {"u", "\xE2\x80\xA8 \xE2\x80\xA9 é \xff"}});
  EXPECT_EQ(EncodeAlerts({&a, 1}),
            R"([{"endsAt":"0001-01-01T00:00:00.000Z","startsAt":"0001-01-01T00:00:00.000Z",)"
            R"("labels":{"a":"\u003cb\u003e \u0026 \"q\" \\ \n\t\u0001)"
            "\x7f"
            R"(","u":"\u2028 \u2029 é \ufffd"}}])");
}

TEST(AlertJson, TimesInUtcWithMillisecondsTruncated) {
  EXPECT_EQ(FormatAlertTime(absl::FromUnixNanos(1767225600123999999)), "2026-01-01T00:00:00.123Z");
  EXPECT_EQ(FormatAlertTime(absl::UnixEpoch()), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatAlertTime(absl::InfinitePast()), "0001-01-01T00:00:00.000Z");
}

}  // namespace
}  // namespace sextant::rules

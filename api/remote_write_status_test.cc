#include "api/remote_write_status.h"

#include <nlohmann/json.hpp>

#include "gtest/gtest.h"

namespace sextant::api {
namespace {

TEST(RemoteWriteStatusJsonTest, ReportsEachQueue) {
  EXPECT_EQ(RemoteWriteStatusJson({}), R"({"queues":[]})");
  ::sextant::remote::RemoteWriteQueueStatus q;
  q.name = "mimir";
  q.url = "https://mimir/api/v1/push";
  q.protobuf_message = "prometheus.WriteRequest";
  q.stats.queue.shards = 3;
  q.stats.queue.samples_total = 1000;
  q.stats.queue.samples_failed_total = 7;
  q.stats.queue.samples_dropped_too_old = 2;
  q.stats.dropped_series_samples = 5;
  q.stats.highest_queued_timestamp_ms = 1700000010000;
  q.stats.queue.highest_sent_timestamp_ms = 1700000000000;
  q.stats.sent_position = {4, 1234};
  q.stats.resumed = true;
  q.stats.last_error = "server returned HTTP status 500 Internal Server Error: boom";
  nlohmann::json j = nlohmann::json::parse(RemoteWriteStatusJson({q}));
  ASSERT_EQ(j["queues"].size(), 1u);
  const nlohmann::json& got = j["queues"][0];
  EXPECT_EQ(got["name"], "mimir");
  EXPECT_EQ(got["shards"]["current"], 3);
  EXPECT_EQ(got["samples"]["sent"], 1000);
  EXPECT_EQ(got["samples"]["failed"], 7);
  EXPECT_EQ(got["samples"]["dropped"]["too_old"], 2);
  EXPECT_EQ(got["samples"]["dropped"]["dropped_series"], 5);
  EXPECT_EQ(got["highestSentTimestamp"], "2023-11-14T22:13:20Z");
  EXPECT_EQ(got["lagSeconds"], 10.0);
  EXPECT_EQ(got["wal"]["segment"], 4);
  EXPECT_EQ(got["wal"]["offset"], 1234);
  EXPECT_EQ(got["wal"]["resumed"], true);
  EXPECT_EQ(got["lastError"], q.stats.last_error);
  // Nothing sent yet: no timestamps, no lag.
  ::sextant::remote::RemoteWriteQueueStatus fresh;
  nlohmann::json f = nlohmann::json::parse(RemoteWriteStatusJson({fresh}))["queues"][0];
  EXPECT_TRUE(f["highestSentTimestamp"].is_null());
  EXPECT_EQ(f["lagSeconds"], 0.0);
}

}  // namespace
}  // namespace sextant::api

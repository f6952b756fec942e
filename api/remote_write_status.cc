#include "api/remote_write_status.h"

#include <nlohmann/json.hpp>

#include "model/timestamp.h"

namespace sextant::api {
namespace {

nlohmann::ordered_json Timestamp(int64_t ms) {
  if (ms <= 0) return nullptr;
  return model::FormatRfc3339(absl::FromUnixMillis(ms));
}

}  // namespace

std::string RemoteWriteStatusJson(
    const std::vector<::sextant::remote::RemoteWriteQueueStatus>& queues) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const ::sextant::remote::RemoteWriteQueueStatus& q : queues) {
    const ::sextant::remote::QueueManagerStats& s = q.stats.queue;
    nlohmann::ordered_json j;
    j["name"] = q.name;
    j["url"] = q.url;
    j["protobufMessage"] = q.protobuf_message;
    j["shards"] = {{"current", s.shards},
                   {"desired", s.shards_desired},
                   {"min", s.shards_min},
                   {"max", s.shards_max},
                   {"capacity", s.shard_capacity}};
    j["samples"] = {{"in", s.samples_in_total},
                    {"sent", s.samples_total},
                    {"failed", s.samples_failed_total},
                    {"retried", s.samples_retried_total},
                    {"pending", s.samples_pending},
                    {"dropped",
                     {{"too_old", s.samples_dropped_too_old},
                      {"dropped_series", q.stats.dropped_series_samples},
                      {"unintentionally_dropped_series", q.stats.unknown_series_samples},
                      {"stopped", s.samples_dropped_stopped}}}};
    j["bytesSent"] = s.bytes_total;
    j["highestTimestamp"] = Timestamp(q.stats.highest_queued_timestamp_ms);
    j["highestSentTimestamp"] = Timestamp(s.highest_sent_timestamp_ms);
    const int64_t lag_ms = q.stats.highest_queued_timestamp_ms - s.highest_sent_timestamp_ms;
    j["lagSeconds"] = s.highest_sent_timestamp_ms > 0 ? static_cast<double>(lag_ms) / 1000 : 0.0;
    j["metadata"] = {{"sent", q.stats.metadata_total},
                     {"failed", q.stats.metadata_failed_total},
                     {"retried", q.stats.metadata_retried_total}};
    j["wal"] = {{"segment", q.stats.sent_position.segment},
                {"offset", q.stats.sent_position.offset},
                {"currentSegment", q.stats.watcher.current_segment},
                {"resumed", q.stats.resumed}};
    j["lastError"] = q.stats.last_error;
    list.push_back(std::move(j));
  }
  return nlohmann::ordered_json{{"queues", std::move(list)}}.dump();
}

}  // namespace sextant::api

#pragma once

// GET /api/v1/status/remote_write (Sextant's own; Prometheus has no such endpoint): the
// remote-write queues as the status page shows them, one object per remote_write entry:
//
//   {"queues": [{"name": "main", "url": "...", "protobufMessage": "prometheus.WriteRequest",
//     "shards": {"current": 1, "desired": 0.8, "min": 1, "max": 50, "capacity": 10000},
//     "samples": {"in": .., "sent": .., "failed": .., "retried": .., "pending": ..,
//                 "dropped": {"too_old": .., "dropped_series": .., ...}},
//     "bytesSent": .., "highestTimestamp": "<RFC 3339>"|null,
//     "highestSentTimestamp": "<RFC 3339>"|null, "lagSeconds": ..,
//     "metadata": {"sent": .., "failed": .., "retried": ..},
//     "wal": {"segment": .., "offset": .., "currentSegment": .., "resumed": bool},
//     "lastError": ""}]}
//
// Thread-safety: a pure function.

#include <string>
#include <vector>

#include "remote/write_storage.h"

namespace sextant::api {

std::string RemoteWriteStatusJson(
    const std::vector<::sextant::remote::RemoteWriteQueueStatus>& queues);

}  // namespace sextant::api

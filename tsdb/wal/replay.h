#pragma once

// ReplayWal: feeds every record of a WAL directory to a callback in order: first the last
// checkpoint's records, then those of the segments after it. What the head runs on startup.
//
//   ReplayResult result;
//   absl::Status status = ReplayWal(env, dir, [&](std::string_view rec) { return Apply(rec); },
//                                   &result);
//   if (absl::IsDataLoss(status) && result.corruption.has_value() &&
//       result.corruption->dir == dir) {
//     ASSIGN_OR_RETURN(RepairReport report, Repair(env, dir, *result.corruption));
//   }
//
// Thread-safety: no Wal may write to `wal_dir` meanwhile.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "tsdb/wal/reader.h"
#include "util/env.h"

namespace sextant::tsdb::wal {

struct ReplayResult {
  std::optional<int> checkpoint;  // the index of the checkpoint read, if any
  int first_segment = -1;         // the WAL segments read (-1 when none)
  int last_segment = -1;
  int64_t records = 0;  // records passed to the callback
  // Set when reading stopped at corruption. When it is in the WAL directory itself, Repair()
  // cuts the WAL back to the records already replayed; a corrupt checkpoint cannot be repaired.
  std::optional<Corruption> corruption;
};

// Calls `fn` with each record (the view is valid only during the call). Stops at the first error:
// `fn`'s own error is returned as is; corruption gives DataLoss with result->corruption set;
// DataLoss without it when segments between the checkpoint and the first segment are missing.
// `wal_dir` must exist. `result` must not be null.
absl::Status ReplayWal(util::Env* env, const std::string& wal_dir,
                       const std::function<absl::Status(std::string_view record)>& fn,
                       ReplayResult* result);

}  // namespace sextant::tsdb::wal

#pragma once

// Repair: cuts a WAL back to the intact prefix a Reader reported, as Prometheus does on startup.
//
//   if (auto c = reader->corruption(); c.has_value()) {
//     ASSIGN_OR_RETURN(RepairReport report, Repair(env, dir, *c));
//     log.Warn("WAL corrupted; cut back", {{"segment", report.segment}, ...});
//   }
//
// Every complete record before the corruption is kept; everything after it is removed: the
// corrupted segment is truncated to Corruption::offset and every later segment is deleted (a record
// in a later segment could depend on a lost one, e.g. samples of a series whose record is gone).
// Run it before Wal::Open, which then starts writing in a fresh segment after the repaired one.
//
// Thread-safety: no Wal or Reader may use `dir` meanwhile.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tsdb/wal/reader.h"
#include "util/env.h"

namespace sextant::tsdb::wal {

// What Repair removed, for the caller's log line and metrics.
struct RepairReport {
  int segment = 0;                    // the segment that was cut
  int64_t kept_bytes = 0;             // its size now
  int64_t dropped_bytes = 0;          // bytes cut from it
  std::vector<int> deleted_segments;  // later segments deleted, ascending
};

// Errors: InvalidArgument when `corruption` is about another directory (a checkpoint's corruption
// cannot be repaired; the checkpoint must be deleted instead); the Env's errors.
absl::StatusOr<RepairReport> Repair(util::Env* env, const std::string& dir,
                                    const Corruption& corruption);

}  // namespace sextant::tsdb::wal

#pragma once

// Checkpoints: after the head has compacted old data away, the live part of the WAL's older
// segments is rewritten into <wal_dir>/checkpoint.NNNNNNNN (NNNNNNNN = the last segment it covers)
// and those segments can be deleted (Wal::Truncate). A checkpoint directory holds segments in the
// WAL's own format (docs/format/wal.md), so Reader reads it; ReplayWal (tsdb/wal/replay.h) reads
// the last checkpoint and then the segments after it.
//
//   ASSIGN_OR_RETURN(int last, wal->NextSegment());          // complete the segments to cover
//   ASSIGN_OR_RETURN(auto stats, Checkpoint(env, dir, first, last - 1, is_live, mint));
//   RETURN_IF_ERROR(wal->Truncate(last));
//
// Atomicity: the checkpoint is written into checkpoint.NNNNNNNN.tmp, synced, and renamed into
// place; a crash leaves either the old checkpoint or the new one (plus a .tmp directory that the
// next Checkpoint removes and LastCheckpoint ignores). Older checkpoints are deleted afterwards.
//
// Thread-safety: one Checkpoint per WAL directory at a time; a Wal may keep appending to later
// segments meanwhile.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tsdb/wal/wal.h"
#include "util/env.h"

namespace sextant::tsdb::wal {

struct CheckpointStats {
  int64_t total_series = 0;
  int64_t dropped_series = 0;
  int64_t total_samples = 0;
  int64_t dropped_samples = 0;
  int64_t total_tombstones = 0;
  int64_t dropped_tombstones = 0;
};

struct CheckpointRef {
  std::string dir;  // <wal_dir>/checkpoint.NNNNNNNN
  int index = 0;    // NNNNNNNN: the last segment it covers
};

// "checkpoint.00000042" for 42.
std::string CheckpointName(int index);

// Writes checkpoint.`to` from the last checkpoint (if any) and segments [from, to] of `wal_dir`,
// keeping the series records of series for which keep_series(ref) is true, their samples with
// t >= mint, and their tombstones with maxt >= mint. Segments at or below the last checkpoint's
// index are skipped (they are already in it). `options` shape the checkpoint's own segments.
// Errors: InvalidArgument when `to` is not after the last checkpoint or segments between it and
// `from` would be skipped; DataLoss when a source record is corrupt or of an unknown type; the
// Env's errors. On error no new checkpoint is visible.
absl::StatusOr<CheckpointStats> Checkpoint(util::Env* env, const std::string& wal_dir, int from,
                                           int to,
                                           const std::function<bool(uint64_t ref)>& keep_series,
                                           int64_t mint, const WalOptions& options = {});

// The checkpoint with the highest index in `wal_dir`, or nullopt when there is none.
absl::StatusOr<std::optional<CheckpointRef>> LastCheckpoint(util::Env* env,
                                                            const std::string& wal_dir);

// Deletes the checkpoints with index < `before` (and leftover .tmp directories of any index
// < `before`).
absl::Status DeleteCheckpoints(util::Env* env, const std::string& wal_dir, int before);

}  // namespace sextant::tsdb::wal

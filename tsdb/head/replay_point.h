#pragma once

// ReplayPoint: where a restart after a crash may begin its WAL replay, kept in
// <data>/chunks_head/replay_point (format in docs/format/replay-point.md).
//
// Every sample logged before `wal` is in a chunk that the head chunk files held when the point was
// written (or was refused, or is older than the head): replaying from `wal` loses nothing, as long
// as the chunk files still hold at least `chunks` (Open()'s scan cut nothing before it). The point
// also carries, in the WAL's own record encodings, every series the head had and every tombstone,
// so that the records before `wal` need not be read at all.
//
//   ReplayPoint point{.wal = {3, 1 << 20}, .chunks = {2, 4096}, .series = 1};
//   point.records.push_back(series_record);
//   RETURN_IF_ERROR(WriteReplayPoint(env, dir + "/chunks_head", point));
//   absl::StatusOr<ReplayPoint> back = ReadReplayPoint(env, dir + "/chunks_head");
//
// Thread-safety: the functions are reentrant; one writer per directory at a time.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "tsdb/head/chunk_disk_mapper.h"
#include "tsdb/wal/wal.h"
#include "util/env.h"

namespace sextant::tsdb::head {

struct ReplayPoint {
  wal::Position wal;     // replay the WAL from here
  ChunkFilesEnd chunks;  // what the chunk files must still hold
  uint32_t series = 0;   // how many series the records hold (to size tables)
  // Series and tombstone records (tsdb/wal/record.h). Read back, they point into `buffer` (the
  // file's bytes, on the heap, so that moving the point keeps them valid).
  std::vector<std::string_view> records;
  std::string buffer;
};

inline constexpr char kReplayPointFile[] = "replay_point";

// Writes `point` to `dir`/replay_point, replacing the one there atomically for a process crash (a
// temporary file renamed over it). Not synced: a point a machine crash damaged fails its checksum,
// and one that outlived the chunks it counts on fails the caller's checks. Errors: the Env's.
absl::Status WriteReplayPoint(util::Env* env, const std::string& dir, const ReplayPoint& point);
// Reads `dir`/replay_point. Errors: NotFound when there is none; DataLoss when it is damaged (bad
// magic, version, lengths or checksum); the Env's.
absl::StatusOr<ReplayPoint> ReadReplayPoint(util::Env* env, const std::string& dir);

}  // namespace sextant::tsdb::head

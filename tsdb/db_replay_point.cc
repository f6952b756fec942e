// Replay points (tsdb/head/replay_point.h, docs/format/replay-point.md): written in the background
// after head chunks were cut, used by the next start when it was not a clean shutdown.
//
// Correctness never depends on one: a point is used only when the chunk files still hold every
// chunk it counts on and the WAL still holds its position (no checkpoint has passed it);
// otherwise the WAL is replayed in full, as always.

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>

#include "tsdb/db.h"
#include "tsdb/wal/checkpoint.h"
#include "tsdb/wal/segment.h"
#include "util/log.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace sextant::tsdb {
namespace {

const util::Logger& Log() {
  static const util::Logger logger("tsdb");
  return logger;
}

// A point is checked every minute of sample time...
constexpr int64_t kCheckEvery = 60 * 1000;
// ...and rewritten when its WAL position moves by at least this much.
constexpr int64_t kMinAdvance = 8 << 20;
constexpr auto kWallEvery = std::chrono::seconds(60);
constexpr auto kSettleEvery = std::chrono::milliseconds(200);

}  // namespace

void DB::StartReplayPoints() {
  if (!options_.replay_points || chunk_mapper_ == nullptr || wal_ == nullptr) return;
  head_->SetTimeAdvanceHook(kCheckEvery, [this] {
    {
      std::lock_guard<std::mutex> lock(point_mu_);
      point_wanted_ = true;
    }
    point_cv_.notify_one();
  });
  point_thread_ = std::thread([this] { ReplayPointLoop(); });
}

void DB::StopReplayPoints() {
  {
    std::lock_guard<std::mutex> lock(point_mu_);
    point_stopping_ = true;
  }
  point_cv_.notify_all();
  if (point_thread_.joinable()) point_thread_.join();
}

void DB::ReplayPointLoop() {
  std::unique_lock<std::mutex> lock(point_mu_);
  bool settling = false;
  while (true) {
    // Woken every minute of sample time (and of wall time, should samples stop coming). While a
    // wave of chunk cuts goes on (series created together cut together), it looks again after
    // the 200 ms gap below without waiting for a wake, so that a point follows the wave soon.
    if (!settling) {
      point_cv_.wait_for(lock, kWallEvery, [this] { return point_stopping_ || point_wanted_; });
    }
    if (point_stopping_) return;
    point_wanted_ = false;
    lock.unlock();
    absl::Status s;
    {
      util::MutexLock write_lock(&point_write_mu_);
      const uint64_t seen = point_chunks_;
      // A point costs about 100 bytes per series: it moves by 8 MiB of WAL at least (less only
      // with smaller segments).
      s = MaybeWriteReplayPoint(std::min<int64_t>(kMinAdvance, options_.wal_segment_size),
                                /*even_without_cuts=*/false);
      settling = point_chunks_ - seen >= std::max<uint64_t>(1, head_->num_series() / 10);
    }
    if (!s.ok()) {
      Log().Warn("Writing a replay point failed; a restart after a crash replays more of the WAL",
                 {{"err", s.ToString()}});
    }
    lock.lock();
    // At most one look per interval, however fast samples come (a backfill, a benchmark).
    point_cv_.wait_for(lock, kSettleEvery, [this] { return point_stopping_; });
  }
}

absl::Status DB::WriteReplayPoint() {
  if (chunk_mapper_ == nullptr || wal_ == nullptr) return absl::OkStatus();
  util::MutexLock lock(&point_write_mu_);
  return MaybeWriteReplayPoint(/*min_advance=*/1, /*even_without_cuts=*/true);
}

absl::Status DB::MaybeWriteReplayPoint(int64_t min_advance, bool even_without_cuts) {
  const uint64_t written = chunk_mapper_->chunks_written();
  // Nothing cut since the last look: nothing moved.
  if (written == point_chunks_ && !even_without_cuts) return absl::OkStatus();
  point_chunks_ = written;
  std::optional<wal::Position> start;
  head::Head::ReplayPointCapture capture =
      head_->CaptureReplayPoint([&](wal::Position wal_end, int64_t unmapped_from) {
        start = wal_->LastPositionBelow(unmapped_from, wal_end);
        // A point where this run's log began skips nothing that the start would not read.
        if (!start.has_value() || *start <= wal_start_) return false;
        if (!point_wal_.has_value()) return true;
        if (*start <= *point_wal_) return false;
        const int64_t advance =
            start->segment == point_wal_->segment
                ? start->offset - point_wal_->offset
                : (start->segment - point_wal_->segment) * options_.wal_segment_size;
        return advance >= min_advance;
      });
  if (capture.records.empty()) return absl::OkStatus();
  auto begin = std::chrono::steady_clock::now();
  // Every chunk counted on is in the files up to this end. Nothing is synced: after a machine
  // crash that lost chunk pages, the scan cuts the files short of this end and the point goes
  // unused (see UsableReplayPoint).
  head::ReplayPoint point{*start,
                          chunk_mapper_->End(),
                          static_cast<uint32_t>(capture.series),
                          {capture.records.begin(), capture.records.end()},
                          {}};
  absl::Status status = head::WriteReplayPoint(env_, chunk_mapper_->dir(), point);
  CountReplayPoint(status.ok());
  RETURN_IF_ERROR(status);
  point_wal_ = start;
  Log().Debug("Replay point written",
              {{"segment", static_cast<int64_t>(start->segment)},
               {"offset", start->offset},
               {"series", static_cast<int64_t>(capture.series)},
               {"duration",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count()}});
  return absl::OkStatus();
}

std::optional<head::ReplayPoint> DB::UsableReplayPoint(const std::string& wal_dir,
                                                       absl::StatusOr<head::ReplayPoint> point) {
  if (chunk_mapper_ == nullptr || absl::IsNotFound(point.status())) return std::nullopt;
  auto unusable = [&](std::string_view why) -> std::optional<head::ReplayPoint> {
    Log().Info("Replay point not usable; replaying the whole WAL", {{"reason", why}});
    return std::nullopt;
  };
  if (!point.ok()) return unusable(point.status().ToString());
  // The chunk files must hold what the point counts on: its last file, at least to its end.
  // Missing is fine only when a later file is there (truncation deleted it as old); a cut tail
  // deletes every later file.
  const head::ChunkFilesEnd need = point->chunks;
  if (need.file != 0) {
    auto it = std::find_if(chunk_file_ends_.begin(), chunk_file_ends_.end(),
                           [&](const head::ChunkFilesEnd& e) { return e.file >= need.file; });
    if (it == chunk_file_ends_.end()) return unusable("its head chunk file is gone");
    if (it->file == need.file && it->offset < need.offset) {
      return unusable("its head chunk file was cut back");
    }
  }
  // The WAL must still hold its position, after any checkpoint.
  absl::StatusOr<std::optional<wal::CheckpointRef>> checkpoint = wal::LastCheckpoint(env_, wal_dir);
  if (!checkpoint.ok()) return unusable(checkpoint.status().ToString());
  if (checkpoint->has_value() && (*checkpoint)->index >= point->wal.segment) {
    return unusable("a WAL checkpoint is newer");
  }
  absl::StatusOr<std::vector<int>> segments = wal::ListSegments(env_, wal_dir);
  if (!segments.ok()) return unusable(segments.status().ToString());
  if (!std::binary_search(segments->begin(), segments->end(), point->wal.segment)) {
    return unusable("its WAL segment is gone");
  }
  absl::StatusOr<int64_t> size = env_->GetFileSize(wal::SegmentPath(wal_dir, point->wal.segment));
  if (!size.ok()) return unusable(size.status().ToString());
  if (*size < point->wal.offset) return unusable("its WAL segment is shorter than its position");
  return *std::move(point);
}

}  // namespace sextant::tsdb
